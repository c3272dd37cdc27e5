"""Signed pyramid tile URLs: what Django signs and nginx's secure_link module checks on its own.

A signed URL template names one rendering of one image (the file's identity, the HDU and plane, the
rendering key) and leaves the tile's place open::

    /ts/<expires>/<sig>/<identity>/hdu<H>-p<N>/<key>/{level}/{tx}_{ty}.<fmt>?<the /tiles/ query>

``<identity>/hdu<H>-p<N>/<key>/<level>/<tx>_<ty>.<fmt>`` is also where the pre-rendered tile lies under
``TOYZ_CACHE_DIR`` (with ``render/`` after the plane folder), so nginx sends that file when it exists
and passes the request to ``/tiles/`` (Django's session and read check) when it does not.

Raw tiles (float values for client-side rendering) have the scope of the data, not of a rendering:
``<key>`` is ``raw`` and the format ``raw``; their files are ``<identity>/hdu<H>-p<N>/raw/<level>/
<tx>_<ty>.raw.gz`` (gzip-compressed: nginx's ``gzip_static`` sends them as they are, ``gunzip`` inflates
them for a client that takes no gzip).

``<sig>`` is the unpadded base64url MD5 of ``"<expires>|<scope>|<session>|<secret>"`` (``scope`` =
``/<identity>/hdu<H>-p<N>/<key>``, ``session`` the session cookie's value): what nginx's
``secure_link_md5`` computes (``deploy/nginx.d/signed-tiles.conf``). MD5 is nginx's choice, not ours;
the secret comes last (no length extension), the URL lives minutes, and it is worth nothing without
the user's own session cookie.
"""

from __future__ import annotations

import base64
import hashlib
import re
from typing import Final

#: The path prefix of signed tile URLs (nginx's location).
PREFIX: Final = "/ts/"
#: What the viewer fills in: the pyramid level and the tile's column and row (row 0 at the bottom).
PLACEHOLDERS: Final = ("{level}", "{tx}", "{ty}")
_IDENTITY: Final = re.compile(r"[0-9a-f]{32}")
_KEY: Final = re.compile(r"[0-9a-f]{16}|raw")


def tile_scope(identity: str, hdu: int, plane: int, key: str) -> str:
    """The part of the path a signature covers: one rendering (``key``; ``raw`` for the raw tiles) of one
    file version's HDU and plane.

    Raises ValueError on a malformed identity or key (they name a cache folder: nothing else may get in).
    """
    if not _IDENTITY.fullmatch(identity) or not _KEY.fullmatch(key):
        raise ValueError(f"not a file identity and rendering key: {identity!r}, {key!r}")
    return f"/{identity}/hdu{int(hdu)}-p{int(plane)}/{key}"


def expiry(now: float, lifetime: int) -> int:
    """When a URL issued at ``now`` (Unix seconds) expires: at least ``lifetime`` s later, rounded up
    to a fifth of it, so that the URLs a user gets within that fifth are the same (and browser-cached)."""
    step = max(lifetime // 5, 1)
    return -(-(int(now) + lifetime) // step) * step


def signature(expires: int, scope: str, session: str, secret: str) -> str:
    """The ``<sig>`` of a URL: nginx's ``secure_link_md5 "$expires|$scope|$cookie_<session>|<secret>"``."""
    text = f"{expires}|{scope}|{session}|{secret}"
    # nginx's secure_link offers only MD5; the secret last and a short life keep it sound here.
    digest = hashlib.md5(text.encode()).digest()  # noqa: S324
    return base64.urlsafe_b64encode(digest).rstrip(b"=").decode()


def signed_template(expires: int, sig: str, scope: str, fmt: str, query: str) -> str:
    """The URL template of a signed rendering; the viewer replaces ``{level}``, ``{tx}`` and ``{ty}``."""
    return f"{PREFIX}{expires}/{sig}{scope}/{{level}}/{{tx}}_{{ty}}.{fmt}?{query}"


def plain_template(fmt: str, query: str) -> str:
    """The ``/tiles/`` URL template of a rendering (signed tiles off): Django checks every tile."""
    return f"/tiles/{{level}}/{{tx}}/{{ty}}.{fmt}?{query}"
