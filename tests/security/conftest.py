"""The security suites' scene: a data root with shared, confidential and closed folders, a secret outside
it, symlinks out and in loops, and one user for each case of the cross-user matrix.

- `scene`: the data root's files (`Scene`), the users, their logged-in test clients and the grants:
  ``bob`` reads ``shared/night`` through the group ``observers`` (not its ``confidential-5e2d`` subfolder,
  a none grant), writes ``shared/rw`` and may only list ``shared/listonly``; ``carol`` has no grant;
  ``dave``'s grant on ``shared/night`` was revoked; ``erin`` is in ``observers`` but deactivated after
  logging in; ``alice`` owns a workspace and a job; ``root`` is an admin; and an anonymous client.
- `expected_rights(user, path)`: the rights the scene means each user to have, written out here and not
  asked of the server, so that a broken check on the server shows.
- `forbidden_tokens(user)`: the names and contents a user must never see in any answer.
- `inline_jobs`: jobs run at once in the test's thread (and database transaction) instead of a pool.
- `check_answer`: what every answer must be (no 500, errors as a JSON sentence, no leak).
"""

from __future__ import annotations

import json
import os
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import quote

import numpy as np
import pytest
from astropy.io import fits
from django.contrib.auth.models import Group
from django.test import Client

from tests.security.corpus import SECRET_IMAGE, SECRET_NAME

LIST, READ, WRITE = "list", "read", "write"
ALL = frozenset({LIST, READ, WRITE})
NONE: frozenset[str] = frozenset()
#: The value of every pixel of the secret image outside the root; no image inside has it.
SECRET_VALUE = 31337.0
SECRET_MARK = "MARK-outside-secret"
#: Four of the secret image's pixels as a raw tile holds them.
SECRET_BYTES = np.full(4, SECRET_VALUE, "<f4").tobytes()
USERS = ("root", "alice", "bob", "carol", "dave", "erin", "anonymous")
#: The codes of a refusal; a user without rights gets one of them, the same for a path that is missing.
REFUSALS = {"forbidden", "not_found", "unauthenticated", "outside_root"}

# The scene's files: client path → the name token a listing would show, and its content's marker.
FILES = {
    "home/alice/alicepriv-a1c3.fits": "alicepriv-a1c3",
    "home/alice/alicenotes-a1c3.txt": "alicenotes-a1c3",
    "home/bob/bobown-77ee.fits": "bobown-77ee",
    "shared/night/night-img.fits": "night-img",
    "shared/night/night-notes.txt": "night-notes",
    "shared/night/confidential-5e2d/hidden-5e2d.fits": "hidden-5e2d",
    "shared/night/confidential-5e2d/hidden-notes-5e2d.txt": "hidden-notes-5e2d",
    "shared/rw/rw-img.fits": "rw-img",
    "shared/rw/rwhidden-3c1d/rwhidden-img.fits": "rwhidden-img",
    "shared/listonly/listed-img.fits": "listed-img",
    "closed-9b7f/closedimg-9b7f.fits": "closedimg-9b7f",
    "closed-9b7f/closednotes-9b7f.txt": "closednotes-9b7f",
}
FOLDERS = {
    "shared/night/confidential-5e2d": "confidential-5e2d",
    "shared/rw/rwhidden-3c1d": "rwhidden-3c1d",
    "closed-9b7f": "closed-9b7f",
}

#: The matrix's targets: name → client path.
TARGETS = {
    "alice_dir": "home/alice",
    "alice_file": "home/alice/alicepriv-a1c3.fits",
    "alice_text": "home/alice/alicenotes-a1c3.txt",
    "night_dir": "shared/night",
    "night_file": "shared/night/night-img.fits",
    "night_text": "shared/night/night-notes.txt",
    "conf_dir": "shared/night/confidential-5e2d",
    "conf_file": "shared/night/confidential-5e2d/hidden-5e2d.fits",
    "rw_dir": "shared/rw",
    "rw_file": "shared/rw/rw-img.fits",
    "rwhidden_dir": "shared/rw/rwhidden-3c1d",
    "rwhidden_file": "shared/rw/rwhidden-3c1d/rwhidden-img.fits",
    "listonly_dir": "shared/listonly",
    "listonly_file": "shared/listonly/listed-img.fits",
    "closed_dir": "closed-9b7f",
    "closed_file": "closed-9b7f/closedimg-9b7f.fits",
}


def missing_sibling(path: str) -> str:
    """A path next to `path` (inside the same folder) that does not exist."""
    return path.rsplit("/", 1)[0] + "/nothing-here-0000.fits" if "/" in path else "nothing-here-0000"


# Who may do what, by the nearest region above a path (the home folders of each user are theirs).
_REGIONS: dict[str, dict[str, frozenset[str]]] = {
    "shared/night": {"bob": frozenset({LIST, READ})},
    "shared/night/confidential-5e2d": {},
    "shared/rw": {"bob": ALL},
    "shared/rw/rwhidden-3c1d": {},
    "shared/listonly": {"bob": frozenset({LIST})},
    "closed-9b7f": {},
}


def expected_rights(user: str, path: str) -> frozenset[str]:
    """The rights the scene gives `user` on `path` (a normalised client path)."""
    if user == "root":
        return ALL
    if user in ("anonymous", "erin"):
        return NONE
    if path == f"home/{user}" or path.startswith(f"home/{user}/"):
        return ALL
    regions = [r for r in _REGIONS if path == r or path.startswith(r + "/")]
    if not regions:
        return NONE
    return _REGIONS[max(regions, key=len)].get(user, NONE)


def forbidden_tokens(user: str) -> set[str]:
    """The names a user may not list and the contents they may not read: none may appear in an answer."""
    # The secret's name too: a listing of the folder outside must not show it.
    tokens = {SECRET_MARK, str(SECRET_VALUE), "secret-outside"}
    for path, token in FILES.items():
        rights = expected_rights(user, path)
        if LIST not in rights:
            tokens.add(token)
        if READ not in rights:
            tokens.add(f"MARK-{token}")
    for path, token in FOLDERS.items():
        if LIST not in expected_rights(user, path):
            tokens.add(token)
    return tokens


def _image(path: Path, marker: str, value: float | None = None) -> None:
    data = (
        np.full((40, 60), value, np.float32) if value is not None else np.arange(2400, dtype=np.float32).reshape(40, 60)
    )
    header = fits.Header()
    header["OBJECT"] = marker
    path.parent.mkdir(parents=True, exist_ok=True)
    fits.PrimaryHDU(data, header).writeto(path)


def build_files(root: Path, outside: Path) -> None:
    """Write the scene's files, the secret outside the root and the symlinks (idempotent for a fresh root)."""
    outside.mkdir(exist_ok=True)
    if not (outside / SECRET_NAME).exists():
        (outside / SECRET_NAME).write_text(SECRET_MARK + "\n")
        _image(outside / SECRET_IMAGE, SECRET_MARK, SECRET_VALUE)
    for path, token in FILES.items():
        target = root / path
        if target.exists():
            continue
        target.parent.mkdir(parents=True, exist_ok=True)
        if path.endswith(".fits"):
            _image(target, f"MARK-{token}")
        else:
            target.write_text(f"MARK-{token}\n")
    bob = root / "home/bob"
    links = {
        "out": outside,
        "rel-out": Path("../../../outside"),
        "secret-link": outside / SECRET_NAME,
        "image-link": outside / SECRET_IMAGE,
        "slash": Path("/"),
        "loop": Path("loop"),
        "ping": Path("pong"),
        "pong": Path("ping"),
        "to-alice": Path("../alice"),
        "dangling": Path("nowhere-at-all"),
    }
    for name, target in links.items():
        if not (bob / name).is_symlink():
            (bob / name).symlink_to(target)
    if not (root / "shared/night/night-out").is_symlink():
        (root / "shared/night/night-out").symlink_to(outside)


def snapshot(base: Path, skip: tuple[str, ...] = ("data", "cache")) -> dict[str, tuple[int, int]]:
    """Every file and folder under `base` (not following symlinks) but the skipped top folders: name → (size, mtime)."""
    found: dict[str, tuple[int, int]] = {}
    for folder, dirs, files in os.walk(base):
        rel = os.path.relpath(folder, base)
        if rel == ".":
            dirs[:] = [d for d in dirs if d not in skip]
        for name in [*dirs, *files]:
            st = os.lstat(os.path.join(folder, name))
            found[os.path.join(rel, name)] = (st.st_size, st.st_mtime_ns)
    return found


@dataclass
class Scene:
    root: Path
    outside: Path
    base: Path
    users: dict[str, Any]
    clients: dict[str, Client]
    observers: Group
    workspace: Any
    alice_job: Any
    extra: dict[str, Any] = field(default_factory=dict)

    def rebuild(self) -> None:
        """Put back the scene's files (after a write endpoint moved, renamed or deleted some)."""
        build_files(self.root, self.outside)


def make_scene(tmp_path: Path, settings: Any, make_user: Callable[..., Any]) -> Scene:
    from guardian.shortcuts import assign_perm

    from apps.files import grants
    from apps.files.permissions import Right
    from apps.jobs.models import Job
    from apps.workspaces.models import Workspace

    root, outside = Path(settings.TOYZ_DATA_ROOT), tmp_path / "outside"
    users = {name: make_user(name, admin=name == "root") for name in USERS if name != "anonymous"}
    for folder in ("shared/night/confidential-5e2d", "shared/rw", "shared/listonly", "closed-9b7f"):
        (root / folder).mkdir(parents=True, exist_ok=True)
    build_files(root, outside)
    observers = Group.objects.create(name="observers")
    users["bob"].groups.add(observers)
    users["erin"].groups.add(observers)
    grants.grant("shared/night", observers, [Right.READ])
    grants.grant("shared/night/confidential-5e2d", observers, [])
    grants.grant("shared/rw", observers, [Right.WRITE])
    grants.grant("shared/rw/rwhidden-3c1d", observers, [])
    grants.grant("shared/listonly", observers, [Right.LIST])
    grants.grant("shared/night", users["dave"], [Right.READ])
    grants.revoke("shared/night", users["dave"])
    workspace = Workspace.objects.create(owner=users["alice"], name="alicews-4f0c")
    # A group that bob is not in may view it: nothing of it reaches bob.
    assign_perm("workspaces.view_workspace", Group.objects.create(name="alice-friends"), workspace)
    alice_job = Job.objects.create(user=users["alice"], fn="files.list", params={"path": "home/alice"})
    clients = {}
    for name in USERS:
        client = Client()
        if name != "anonymous":
            client.force_login(users[name])
        clients[name] = client
    # erin logged in, then an admin deactivated her: her session must be worth nothing.
    users["erin"].is_active = False
    users["erin"].save()
    return Scene(root, outside, tmp_path, users, clients, observers, workspace, alice_job)


@pytest.fixture
def fast_passwords(settings: Any) -> None:
    # Seven users per test: the real password hasher would take most of the suites' time.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture
def scene(tmp_path: Path, settings: Any, make_user: Callable[..., Any], fast_passwords: None) -> Scene:
    return make_scene(tmp_path, settings, make_user)


@pytest.fixture
def inline_jobs(monkeypatch: pytest.MonkeyPatch) -> None:
    """Jobs submitted over HTTP run at once, in the test's thread and transaction, before the 202 is sent."""
    from apps.jobs import runner
    from apps.jobs import services as job_services

    monkeypatch.setattr(runner, "close_old_connections", lambda: None)

    def start(job: Any, *args: Any, **kwargs: Any) -> None:
        runner.execute(str(job.pk), 0, runner.RecordingReporter())

    monkeypatch.setattr(job_services, "_start", start)


# --- requests ------------------------------------------------------------------------------------


#: What an upload sends.
UPLOADED = b"SIMPLE  =                    T"


def encode_query(values: dict[str, Any]) -> str:
    """A query string; a lone surrogate goes as the bytes a careless client would send (invalid UTF-8)."""

    def enc(value: Any) -> str:
        text = json.dumps(value) if isinstance(value, bool) else str(value)
        if isinstance(value, bool):
            text = "true" if value else "false"
        return quote(text.encode("utf-8", "surrogatepass"), safe="")

    return "&".join(f"{quote(k)}={enc(v)}" for k, v in values.items())


def send(client: Client, method: str, url: str, values: dict[str, Any], op: Any = None) -> Any:
    """Send `values` as the operation wants them: the query for GET, else JSON or a form (with a file)."""
    from django.core.files.uploadedfile import SimpleUploadedFile

    if method == "get":
        query = encode_query(values)
        return client.get(f"{url}?{query}" if query else url)
    wheres = {f.name: f.where for f in op.fields} if op is not None else {}
    in_query = {k: v for k, v in values.items() if wheres.get(k) == "query"}
    target = f"{url}?{encode_query(in_query)}" if in_query else url
    form = {k: v for k, v in values.items() if wheres.get(k) in ("form", "file")}
    if form:
        data = {}
        for key, value in form.items():
            if wheres[key] == "file":
                name = value if isinstance(value, str) and value else "upload.fits"
                data[key] = SimpleUploadedFile(name, UPLOADED, content_type="application/fits")
            else:
                data[key] = value
        return getattr(client, method)(target, data)
    if op is not None and op.raw_body:
        return getattr(client, method)(target, UPLOADED, content_type="application/octet-stream")
    body = {k: v for k, v in values.items() if wheres.get(k, "json") == "json"}
    return getattr(client, method)(target, json.dumps(body), content_type="application/json")


def answer_bytes(response: Any) -> bytes:
    if getattr(response, "streaming", False):
        response._security_body = getattr(response, "_security_body", None) or b"".join(response.streaming_content)
        return bytes(response._security_body)
    return bytes(response.content)


def answer_text(response: Any) -> str:
    return answer_bytes(response).decode("utf-8", "replace")


def check_answer(response: Any, *, where: str, tokens: set[str], asked: str = "") -> dict[str, Any] | None:
    """No 500, an error is ``{"error": {"code", "message"}}`` with a sentence, and no forbidden token
    (except one the request itself carried, which an error may echo). Returns the error, if any."""
    status = response.status_code
    text = answer_text(response)
    assert SECRET_BYTES not in answer_bytes(response), f"{where}: the answer holds the secret image's pixels"
    assert status < 500, f"{where}: {status} {text[:300]}"
    shown = [t for t in tokens if t in text and t not in asked]
    assert not shown, f"{where}: the answer shows {shown}: {text[:300]}"
    if status >= 400:
        assert response["Content-Type"].startswith("application/json"), f"{where}: {status} is not JSON: {text[:200]}"
        error = json.loads(text)["error"]
        assert isinstance(error["code"], str) and error["code"], where
        message = error["message"]
        # A sentence for people: words, no traceback, no exception's repr.
        assert isinstance(message, str) and len(message) > 10 and " " in message.strip(), f"{where}: {message!r}"
        assert not any(t in message for t in ("Traceback", 'File "', "Error(", "Exception(", "errno")), (
            f"{where}: the message is no sentence: {message!r}"
        )
        return dict(error)
    return None


@pytest.fixture
def openapi(make_user: Callable[..., Any], fast_passwords: None) -> dict[str, Any]:
    """The live OpenAPI schema, as a logged-in client reads it."""
    client = Client()
    client.force_login(make_user("root", admin=True))
    response = client.get("/api/openapi.json")
    assert response.status_code == 200
    return dict(response.json())


def values_for(fields: Any, path_value: Any, *, names: bool = False) -> Iterator[dict[str, Any]]:
    """The inputs of an operation or job with every path field (and name field, if `names`) set to `path_value`."""
    from tests.security.discovery import variants

    attacked = [f for f in fields if f.where != "path" and (f.is_path or (names and (f.is_name or f.where == "file")))]
    for base in variants([f for f in fields if f.where != "path"]):
        # A list of paths gets the one path (the matrix compares answers, so one is enough).
        yield {**base, **{f.name: [path_value] if f.is_array else path_value for f in attacked}}
