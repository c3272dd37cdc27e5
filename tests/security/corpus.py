"""A generated corpus of crafted client paths that try to leave the data root, or to break the server.

The scene (see conftest) puts the data root at ``<tmp>/data`` and the secret at ``<tmp>/outside``:
``../outside/secret.txt`` seen from the root. Each payload is spelled in many ways (percent-encoded once
and twice, overlong UTF-8, backslashes, look-alike Unicode dots and slashes) and put after several
prefixes; then come absolute paths, ``~``, symlinks out of the root, in loops and into another user's
home, NUL, lone surrogates, very long names and very deep paths, and names with newlines.
"""

from __future__ import annotations

from pathlib import Path
from urllib.parse import quote

SECRET_NAME = "secret-outside.txt"
SECRET_IMAGE = "secret-outside.fits"

# Ways to write "../" that a careless decoder turns into a real step up.
_SLASHES = ["/", "\\", "%2f", "%2F", "%252f", "%c0%af", "%e0%80%af", "\u2215", "\uff0f", "\u2044", "\u29f8"]
_DOTS = [
    "..",
    "%2e%2e",
    "%2E%2E",
    "%252e%252e",
    ".%2e",
    "%2e.",
    "%c0%ae%c0%ae",
    "\u2024\u2024",
    "\u2025",
    "\uff0e\uff0e",
]
_PREFIXES = ["", "home/bob/", "shared/night/", "/", "./", "shared/night/../"]


def _up(depth: int, dots: str = "..", slash: str = "/") -> str:
    return (dots + slash) * depth


def crafted_paths(root: Path, outside: Path) -> list[str]:
    """At least 200 distinct crafted client paths (strings, some of them not encodable as UTF-8)."""
    secret = f"outside/{SECRET_NAME}"
    image = f"outside/{SECRET_IMAGE}"
    out: list[str] = []
    # Plain traversal at several depths and after several prefixes.
    for prefix in _PREFIXES:
        for depth in (1, 2, 3, 6):
            out.append(prefix + _up(depth) + secret)
        out.append(prefix + _up(2) + image)
    # Every spelling of the dots with every spelling of the slash.
    for dots in _DOTS:
        for slash in _SLASHES:
            out.append(_up(1, dots, slash) + secret.replace("/", slash))
    # Whole payloads percent-encoded once and twice (the server must decode the query once, never again).
    for payload in (_up(1) + secret, "home/bob/" + _up(3) + secret, _up(1) + image):
        once = quote(payload, safe="")
        out += [once, quote(once, safe=""), payload.replace(".", "%2e"), payload.replace("/", "%2f")]
    # Absolute paths, the home directory, empty and doubled separators.
    out += [
        str(outside / SECRET_NAME),
        str(outside / SECRET_IMAGE),
        str(outside),
        "/" + str(outside / SECRET_NAME),
        "//" + str(outside / SECRET_NAME).lstrip("/"),
        str(root) + "/../outside/" + SECRET_NAME,
        str(root) + "/" + _up(1) + secret,
        "/etc/passwd",
        "//etc/passwd",
        "///etc//passwd",
        "file:///etc/passwd",
        "file://" + str(outside / SECRET_NAME),
        "/proc/self/environ",
        "/dev/zero",
        "/dev/urandom",
        "~",
        "~/",
        "~root",
        "~/.ssh/id_rsa",
        "~/../outside/" + SECRET_NAME,
        "~alice/alicepriv-a1c3.fits",
        "$HOME",
        "${HOME}/x",
        "%HOMEPATH%",
        "//",
        "///",
        "home//bob",
        "shared//night/../..//../outside//" + SECRET_NAME,
        "C:\\Windows\\win.ini",
        "\\\\server\\share\\" + SECRET_NAME,
        "\\..\\outside\\" + SECRET_NAME,
    ]
    # Trailing and leading dots and spaces (some systems drop them), and dots that are no step up.
    out += [
        "../outside. /" + SECRET_NAME,
        "../outside./" + SECRET_NAME,
        ".. /outside/" + SECRET_NAME,
        " ../outside/" + SECRET_NAME,
        "..\t/outside/" + SECRET_NAME,
        ".../outside/" + SECRET_NAME,
        "..../outside/" + SECRET_NAME,
        "../outside/" + SECRET_NAME + ".",
        "../outside/" + SECRET_NAME + " ",
        "../outside/" + SECRET_NAME + "::$DATA",
        "..;/outside/" + SECRET_NAME,
        "..",
        "../",
        "...",
        ".",
        "./",
        "",
        " ",
        "home/bob/.",
        "home/bob/..",
        "home/bob/../bob/../../outside/" + SECRET_NAME,
        "home/bob/./../../outside/" + SECRET_NAME,
    ]
    # Symlinks in the scene: out of the root, to the filesystem's root, in loops, into another user's home.
    out += [
        "home/bob/out/" + SECRET_NAME,
        "home/bob/out/" + SECRET_IMAGE,
        "home/bob/out",
        "home/bob/out/",
        "home/bob/out/.",
        "home/bob/rel-out/" + SECRET_NAME,
        "home/bob/secret-link",
        "home/bob/image-link",
        "home/bob/slash/etc/passwd",
        "home/bob/slash" + str(outside / SECRET_NAME),
        "home/bob/loop",
        "home/bob/loop/x",
        "home/bob/loop/loop/loop",
        "home/bob/ping",
        "home/bob/ping/x",
        "home/bob/to-alice",
        "home/bob/to-alice/alicepriv-a1c3.fits",
        "home/bob/to-alice/../alice/alicepriv-a1c3.fits",
        "home/bob/dangling",
        "home/bob/out/../outside/" + SECRET_NAME,
        "shared/night/night-out",
        "shared/night/night-out/" + SECRET_NAME,
    ]
    # NUL, lone surrogates, control characters and newlines.
    out += [
        "\x00",
        "home/bob/x\x00",
        "home/bob/x\x00/../../../outside/" + SECRET_NAME,
        "../outside/" + SECRET_NAME + "\x00.fits",
        "%00",
        "home/bob/%00",
        "\ud800",
        "home/bob/\udfff",
        "..\ud800/outside/" + SECRET_NAME,
        "home/\udc2e\udc2e/outside",
        "home/bob/x\ny",
        "home/bob/\n",
        "..\n/outside/" + SECRET_NAME,
        "home/bob/\r\n../../outside",
        "home/bob/\x1b[31m",
        "home/bob/\u202etxt.exe",
        "home/bob/\ufeff",
    ]
    # Very long names, very long paths and very deep ones.
    out += [
        "a" * 256,
        "home/bob/" + "b" * 255,
        "home/bob/" + "b" * 256,
        "home/bob/" + "é" * 200,
        "/".join(["d"] * 2100),
        "home/bob/" + "x/" * 1500,
        _up(1500) + secret,
        ("n" * 255 + "/") * 17,
        "home/bob/" + "../" * 2000 + secret,
        "./" * 2000 + _up(1) + secret,
        "x" * 5000,
    ]
    # Windows device names and glob characters: names like others, never special.
    out += ["CON", "NUL", "home/bob/aux.fits", "*", "home/*", "home/bob/?", "[a-z]", "%", "%%", "%zz"]
    return list(dict.fromkeys(out))


def wire_queries() -> list[str]:
    """Query-string values as the client's raw bytes put them on the wire (decoded once by the server)."""
    secret = "outside%2f" + SECRET_NAME
    return [
        "..%2f" + secret,
        "%2e%2e%2f" + secret,
        "%2e%2e/" + secret,
        "..%5coutside%5c" + SECRET_NAME,
        "%252e%252e%252f" + secret,
        "%c0%ae%c0%ae%2f" + secret,
        "%c0%ae%c0%ae%c0%af" + secret,
        "%e0%80%ae%e0%80%ae%2f" + secret,
        "..%c0%af" + secret,
        "%ed%a0%80",
        "home%2fbob%2f%ed%b0%80",
        "%00",
        "home%2fbob%2fx%00..%2f..%2f..%2f" + secret,
        "%ff%fe%2e%2e%2f" + secret,
        "%e2%80%a4%e2%80%a4%2f" + secret,
        "..%ef%bc%8f" + secret,
        "..%e2%88%95" + secret,
        "%2f%2f" + secret,
        "home%2fbob%2fout%2f" + SECRET_NAME,
        "%0a..%2f" + secret,
    ]
