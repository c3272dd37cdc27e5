"""Tiles per second for 50 concurrent clients: the production setup against the embedded mode, in one run.

Run: ``make bench-serve`` (``.venv/bin/python benchmarks/serve.py [--duration 15] [--connections 50]``)

It writes a DECam-like exposure (``--ccds`` Rice-compressed CCDs of 4096×2048, as fpack makes them) into
the data root of a work folder (``--workdir``, kept between runs), pre-renders every CCD's pyramid into its
cache folder, then starts, on free ports and that one data root and cache:

- the production setup (``deploy/production.py``: nginx in front of ``--web-processes`` uvicorn processes,
  PostgreSQL ``--database-url``, Redis ``--redis-url``; no Celery worker, tiles need none), with signed
  tile URLs and X-Accel-Redirect on;
- the embedded mode as ``make run`` starts it (one uvicorn process, SQLite, no Redis).

It makes a user on each, logs in through the login form, asks ``/api/imaging/tile-url`` for the tiles of
the viewer's default rendering (linear, gray, zscale: what the pre-render stored) and of a new one
(asinh, viridis), and lets wrk (``benchmarks/serve.lua``: a tile of the list at random per request, with
the session cookie) load each case for ``--duration`` seconds with ``--connections`` connections after a
short warm-up. It prints ``tiles_per_s`` and ``p95_ms`` lines (p50, p99 and errors too), each with its
case's label, then the ratios of each case to the embedded mode's figures:

- ``signed``: pre-rendered tiles through signed URLs: nginx checks the signature and sends the file;
- ``accel``: the same tiles through ``/tiles/``: a Django request each (session, read right), answered
  with ``X-Accel-Redirect``, nginx sends the file;
- ``new_params``: tiles of a rendering nobody pre-rendered, through signed URLs: nginx passes each to
  Django, which renders it (from the cached float levels; level 0 from the compressed file);
- ``embedded``: the pre-rendered tiles through ``/tiles/`` from the single process of the embedded mode.

and the raw tiles of client-side rendering (the viewer's default for one band; 256×256 float32, asked
with ``Accept-Encoding: gzip`` as a browser does), every tile of the same CCDs:

- ``raw_django``: through ``/tiles/`` from the production setup with X-Accel-Redirect and signed tiles
  off, which then stores none: each read from the float levels (level 0 from the compressed file) and
  gzipped by Django per request, as every raw tile was before they were stored (measured first, with
  only the pre-render's coarse raw tiles on disk);
- ``raw_signed``: through signed URLs once each was asked for once (Django stored it): nginx alone;
- ``raw_accel``: the same stored tiles through ``/tiles/``: a Django request each, X-Accel-Redirect.

It prints ``raw_signed_tiles_per_s`` and ``raw_signed_p95_ms`` lines too, and the time the first request
of every raw tile took (Django reads and stores each: ``raw_store_ms_per_tile``, one client).

Targets on a 2-core machine: ``signed`` at least 2,000 tiles/s with p95 at most 25 ms.
"""

from __future__ import annotations

import argparse
import http.cookiejar
import json
import os
import re
import secrets
import shutil
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import urlencode

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from deploy.production import Production, prepare, setup_from_env  # noqa: E402
from workers.imaging import build_pyramid, default_cuts, describe, file_identity, image_hdus  # noqa: E402
from workers.imaging.pyramid import tile_counts  # noqa: E402
from workers.imaging.synthetic import write_decam_like  # noqa: E402

LUA = Path(__file__).resolve().parent / "serve.lua"
CCD_SHAPE = (4096, 2048)
USER = "bench"
IMAGE = f"home/{USER}/decam.fits.fz"
#: What each case measures, printed beside its figures.
LABELS = {
    "signed": "pre-rendered tiles, signed URLs: nginx alone",
    "accel": "pre-rendered tiles, /tiles/ + X-Accel-Redirect: a Django request each",
    "new_params": "new rendering parameters, signed URLs: Django renders each",
    "embedded": "pre-rendered tiles, /tiles/, the embedded mode's single process",
    "raw_django": "raw tiles, /tiles/, nginx + Django storing none: read from the levels and gzipped per request",
    "raw_signed": "raw tiles stored on disk, signed URLs: nginx alone",
    "raw_accel": "raw tiles stored on disk, /tiles/ + X-Accel-Redirect: a Django request each",
}
#: The raw cases' requests carry this, as a browser's do.
GZIP = "gzip, deflate"
TARGET_TILES_PER_S = 2000
TARGET_P95_MS = 25


def say(text: str) -> None:
    print(text, flush=True)


def free_port() -> int:
    import socket

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


# --- the image ------------------------------------------------------------------------------------


def ensure_image(data_root: Path, ccds: int) -> Path:
    """The exposure at IMAGE in the data root, written unless a previous run left it."""
    path = data_root / IMAGE
    made = path.with_suffix(".json")
    if path.exists() and made.exists() and json.loads(made.read_text()).get("ccds") == ccds:
        say(f"image: {path} (kept from an earlier run)")
        return path
    path.parent.mkdir(parents=True, exist_ok=True)
    start = time.perf_counter()
    tmp = path.with_name(".decam.tmp.fits.fz")
    write_decam_like(tmp, n_ccds=ccds, ccd_shape=CCD_SHAPE, seed=0, compress=True)
    tmp.replace(path)
    made.write_text(json.dumps({"ccds": ccds}))
    say(f"image: {path} written in {time.perf_counter() - start:.1f} s")
    return path


def prerender(path: Path, cache: Path) -> list[tuple[int, int, int, int]]:
    """Pre-render every CCD's pyramid (tiles already there are kept); return each CCD's
    (hdu, width, height, levels)."""
    start = time.perf_counter()
    ccds = []
    for hdu in image_hdus(path):
        build_pyramid(path, hdu=hdu, cache_dir=cache)
        info = next(h for h in describe(path, hdu=hdu, cache_dir=cache)["hdus"] if h["index"] == hdu)
        ccds.append((hdu, info["width"], info["height"], info["levels"]))
    say(f"pre-rendered: {len(ccds)} CCDs in {time.perf_counter() - start:.1f} s (0 when an earlier run did)")
    return ccds


def tile_paths(template: str, ccds: list[tuple[int, int, int, int]], hdu: int) -> list[str]:
    """Every tile of one CCD's pyramid as a URL of ``template``."""
    for index, width, height, levels in ccds:
        if index == hdu:
            return [
                template.replace("{level}", str(level)).replace("{tx}", str(x)).replace("{ty}", str(y))
                for level in range(levels)
                for x in range(tile_counts(width, height, level)[0])
                for y in range(tile_counts(width, height, level)[1])
            ]
    raise ValueError(f"no HDU {hdu}")


def raw_query(path: Path, hdu: int) -> str:
    """The /tiles/ query of a CCD's raw tiles, as the viewer asks for them."""
    return urlencode({"path": IMAGE, "hdu": hdu, "plane": 0, "v": file_identity(path)})


def forget_stored_raw(cache: Path) -> None:
    """Remove every stored raw tile (an earlier run's): the raw cases start from what a pre-render leaves."""
    for folder in cache.glob("*/hdu*-p*/raw"):
        shutil.rmtree(folder, ignore_errors=True)


def store_raw(base: str, paths: list[str], cookie: str) -> None:
    """Ask for each raw tile once, as a first viewer does: Django reads and stores those not on disk."""
    start = time.perf_counter()
    for path in paths:
        status, _, body = get(base, path, cookie, GZIP)
        if status != 200:
            raise SystemExit(f"{path} answered {status}: {body[:200]!r}")
    say(
        f"raw_store_ms_per_tile: {(time.perf_counter() - start) * 1000 / len(paths):.2f}  [first request of each raw tile]"
    )


# --- the two sites --------------------------------------------------------------------------------


def manage(env: dict[str, str], *args: str) -> None:
    subprocess.run([sys.executable, "manage.py", *args], cwd=ROOT, env=env, check=True, stdout=subprocess.DEVNULL)


def make_user(env: dict[str, str], password: str) -> None:
    script = (
        "from django.contrib.auth import get_user_model\n"
        f"user, _ = get_user_model().objects.get_or_create(username={USER!r})\n"
        f"user.set_password({password!r})\n"
        "user.save()\n"
    )
    manage(env, "shell", "-c", script)


def login(base: str, password: str) -> str:
    """Log in through the login form as a browser does; return the ``Cookie`` header of the session."""
    jar = http.cookiejar.CookieJar()
    opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(jar))
    with opener.open(f"{base}/accounts/login/", timeout=60) as form:
        page = form.read().decode()
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page)
    if token is None:
        raise SystemExit(f"{base}: no login form")
    body = urlencode({"csrfmiddlewaretoken": token.group(1), "username": USER, "password": password}).encode()
    request = urllib.request.Request(
        f"{base}/accounts/login/", data=body, headers={"Referer": f"{base}/accounts/login/", "Origin": base}
    )
    with opener.open(request, timeout=60):
        pass
    session = next((c.value for c in jar if c.name == "sessionid"), None)
    if session is None:
        raise SystemExit(f"{base}: the login did not give a session")
    return f"sessionid={session}"


def get(base: str, path: str, cookie: str, encoding: str = "") -> tuple[int, dict[str, str], bytes]:
    headers = {"Cookie": cookie, **({"Accept-Encoding": encoding} if encoding else {})}
    request = urllib.request.Request(base + path, headers=headers)
    try:
        with urllib.request.urlopen(request, timeout=60) as response:
            return response.status, {k.lower(): v for k, v in response.headers.items()}, response.read()
    except urllib.error.HTTPError as exc:
        return exc.code, {k.lower(): v for k, v in exc.headers.items()}, exc.read()


def template(base: str, cookie: str, hdu: int, **rendering: object) -> dict[str, Any]:
    status, _, body = get(base, "/api/imaging/tile-url?" + urlencode({"path": IMAGE, "hdu": hdu, **rendering}), cookie)
    if status != 200:
        raise SystemExit(f"tile-url answered {status}: {body[:300]!r}")
    answer: dict[str, Any] = json.loads(body)
    return answer


@contextmanager
def production_site(work: Path, args: argparse.Namespace, password: str, **overrides: str) -> Iterator[str]:
    run_dir = Path(tempfile.mkdtemp(prefix="toyz-bench-run-"))  # a unix socket's path must be short
    environ = {
        **os.environ,
        "DATABASE_URL": args.database_url,
        "TOYZ_REDIS_URL": args.redis_url,
        "TOYZ_VAR_DIR": str(work / "var-production"),
        "TOYZ_DATA_ROOT": str(work / "data"),
        "TOYZ_CACHE_DIR": str(work / "cache"),
        "TOYZ_RUN_DIR": str(run_dir),
        "TOYZ_HOST": "127.0.0.1",
        "TOYZ_PORT": str(free_port()),
        "TOYZ_WEB_PROCESSES": str(args.web_processes),
        "TOYZ_SIGNED_TILES": "1",
        "TOYZ_LOG_LEVEL": "WARNING",
        **overrides,
    }
    setup = setup_from_env(environ, workers=False)
    prepare(setup, static=False, samples=False)
    make_user(setup.env, password)
    production = Production(setup)
    try:
        production.start()
        yield setup.url
    finally:
        production.stop()
        shutil.rmtree(run_dir, ignore_errors=True)


@contextmanager
def embedded_site(work: Path, password: str) -> Iterator[str]:
    env = {k: v for k, v in os.environ.items() if k not in ("TOYZ_REDIS_URL", "DATABASE_URL", "DJANGO_SETTINGS_MODULE")}
    env.update(
        TOYZ_VAR_DIR=str(work / "var-embedded"),
        TOYZ_DATA_ROOT=str(work / "data"),
        TOYZ_CACHE_DIR=str(work / "cache"),
        TOYZ_SIGNED_TILES="0",
        TOYZ_LOG_LEVEL="WARNING",
    )
    manage(env, "migrate", "--noinput", "-v0")
    make_user(env, password)
    port = free_port()
    log = (work / "embedded.log").open("wb")
    # As `make run` starts it.
    server = subprocess.Popen(
        [sys.executable, "-m", "uvicorn", "toyz_site.asgi:application", "--host", "127.0.0.1", "--port", str(port),
         "--no-access-log", "--lifespan", "off", "--no-server-header"],
        cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT,
    )  # fmt: skip
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 60
        while not (_listening(port) and get(base, "/accounts/login/", "")[0] == 200):
            if server.poll() is not None or time.monotonic() > deadline:
                raise SystemExit(f"the embedded server did not start: {(work / 'embedded.log').read_text()[-2000:]}")
            time.sleep(0.2)
        yield base
    finally:
        server.terminate()
        server.wait(timeout=30)
        log.close()


def _listening(port: int) -> bool:
    import socket

    with socket.socket() as s:
        return s.connect_ex(("127.0.0.1", port)) == 0


# --- the load ------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Figures:
    tiles_per_s: float
    p50_ms: float
    p95_ms: float
    p99_ms: float
    requests: int
    errors: int


def _encoding(case: str) -> str:
    return GZIP if case.startswith("raw") else ""


def wrk(base: str, paths: list[str], cookie: str, seconds: float, args: argparse.Namespace, case: str) -> Figures:
    """Load ``base`` with requests for ``paths`` (one at random each) for ``seconds``."""
    with tempfile.NamedTemporaryFile("w", suffix=".txt", delete=False) as listing:
        listing.write("\n".join(paths) + "\n")
    try:
        done = subprocess.run(
            ["wrk", f"-t{args.threads}", f"-c{args.connections}", f"-d{max(round(seconds), 1)}s", "--timeout", "10s",
             "-s", str(LUA), base, "--", listing.name, cookie, _encoding(case)],
            capture_output=True, text=True, check=False,
        )  # fmt: skip
    finally:
        Path(listing.name).unlink()
    if done.returncode != 0:
        raise SystemExit(f"wrk failed ({done.returncode}): {done.stderr or done.stdout}")
    values = {m[1]: float(m[2]) for m in re.finditer(r"^(\w+): ([0-9.]+)$", done.stdout, re.MULTILINE)}
    errors = int(values["bad_status"] + values["socket_errors"])
    good = values["requests"] - values["bad_status"]
    return Figures(
        tiles_per_s=good / values["seconds"],
        p50_ms=values["p50_us"] / 1000,
        p95_ms=values["p95_us"] / 1000,
        p99_ms=values["p99_us"] / 1000,
        requests=int(values["requests"]),
        errors=errors,
    )


def check_sample(base: str, paths: list[str], cookie: str, case: str) -> None:
    """One tile of the case, asked once: answered, and by whom the case says."""
    status, headers, body = get(base, paths[len(paths) // 2], cookie, _encoding(case))
    raw = case.startswith("raw")
    if status != 200 or not body.startswith(b"\x1f\x8b" if raw else b"\x89PNG"):
        raise SystemExit(f"{case}: {paths[len(paths) // 2]} answered {status}: {body[:200]!r}")
    by_nginx = headers.get("x-toyz-signed") == "nginx"
    if by_nginx != case.endswith("signed"):
        raise SystemExit(f"{case}: the tile was {'' if by_nginx else 'not '}sent by nginx alone: {headers}")
    if raw and headers.get("content-encoding") != "gzip":
        raise SystemExit(f"{case}: the raw tile was not gzip-encoded: {headers}")
    expected = {"new_params": "miss", "raw_accel": "hit", "signed": "hit", "accel": "hit", "raw_signed": "hit"}
    if case in expected and headers.get("x-toyz-cache") != expected[case]:
        raise SystemExit(f"{case}: unexpected X-Toyz-Cache {headers.get('x-toyz-cache')!r}")


def measure(base: str, paths: list[str], cookie: str, case: str, args: argparse.Namespace) -> Figures:
    check_sample(base, paths, cookie, case)
    wrk(base, paths, cookie, args.warmup, args, case)
    figures = wrk(base, paths, cookie, args.duration, args, case)
    label = LABELS[case]
    say(f"tiles_per_s: {figures.tiles_per_s:.1f}  [{case}: {label}]")
    if case.startswith("raw"):
        say(f"{case}_tiles_per_s: {figures.tiles_per_s:.1f}")
        say(f"{case}_p95_ms: {figures.p95_ms:.2f}")
    say(f"p95_ms: {figures.p95_ms:.2f}  [{case}]")
    say(f"p50_ms: {figures.p50_ms:.2f}  [{case}]")
    say(f"p99_ms: {figures.p99_ms:.2f}  [{case}]")
    say(f"requests: {figures.requests}  errors: {figures.errors}  [{case}]")
    return figures


def main() -> None:
    parser = argparse.ArgumentParser(description=(__doc__ or "").split("\n")[0])
    parser.add_argument("--duration", type=int, default=15, help="seconds of load per case")
    parser.add_argument("--warmup", type=int, default=3, help="seconds of load before each case, not counted")
    parser.add_argument("--connections", type=int, default=50, help="concurrent connections (clients)")
    parser.add_argument("--threads", type=int, default=2, help="wrk threads")
    parser.add_argument("--ccds", type=int, default=2, help="CCDs of the exposure")
    parser.add_argument("--web-processes", type=int, default=os.cpu_count() or 1, help="uvicorn processes")
    parser.add_argument("--workdir", type=Path, default=ROOT / "var" / "bench-serve", help="kept between runs")
    parser.add_argument(
        "--database-url",
        default=os.environ.get("DATABASE_URL") or "postgres://postgres@127.0.0.1:5432/toyz_bench_serve",
        help="the production setup's PostgreSQL database (created if missing)",
    )
    parser.add_argument(
        "--redis-url", default=os.environ.get("TOYZ_REDIS_URL") or "redis://127.0.0.1:6379/0", help="its Redis"
    )
    args = parser.parse_args()
    if shutil.which("wrk") is None:
        raise SystemExit("wrk is not installed: `make wrk` installs Debian's package.")
    work = args.workdir.absolute()
    cache = work / "cache"
    path = ensure_image(work / "data", args.ccds)
    # Raw tiles as before they were stored: only the pre-render's coarse ones on disk.
    forget_stored_raw(cache)
    ccds = prerender(path, cache)
    hdus = [hdu for hdu, *_ in ccds]
    password = secrets.token_urlsafe(16)
    say(
        f"load: {args.connections} connections, {args.threads} wrk threads, {args.duration:g} s per case; "
        f"{os.cpu_count()} cores; {args.web_processes} web processes behind nginx"
    )
    results: dict[str, Figures] = {}
    raw_tiles = [
        p for hdu in hdus for p in tile_paths(f"/tiles/{{level}}/{{tx}}/{{ty}}.raw?{raw_query(path, hdu)}", ccds, hdu)
    ]
    with production_site(work, args, password, TOYZ_SIGNED_TILES="0", TOYZ_ACCEL_REDIRECT="") as base:
        cookie = login(base, password)
        results["raw_django"] = measure(base, raw_tiles, cookie, "raw_django", args)
    with production_site(work, args, password) as base:
        cookie = login(base, password)
        # Every CCD's tiles: the default rendering (zscale, what the pre-render stored) and a new one.
        signed: list[str] = []
        accel: list[str] = []
        fresh: list[str] = []
        for hdu in hdus:
            lo, hi = default_cuts(path, hdu=hdu, plane=0, cache_dir=cache)["zscale"]
            answer = template(base, cookie, hdu, lo=repr(lo), hi=repr(hi))
            assert answer["signed"] and answer["identity"] == file_identity(path), answer
            signed += tile_paths(answer["template"], ccds, hdu)
            query = answer["template"].split("?", 1)[1]
            accel += tile_paths(f"/tiles/{{level}}/{{tx}}/{{ty}}.png?{query}", ccds, hdu)
            other = template(base, cookie, hdu, lo=repr(lo), hi=repr(hi * 4), stretch="asinh", cmap="viridis")
            fresh += tile_paths(other["template"], ccds, hdu)
        say(f"tiles: {len(signed)} per case ({len(hdus)} CCDs, every level)")
        results["signed"] = measure(base, signed, cookie, "signed", args)
        results["accel"] = measure(base, accel, cookie, "accel", args)
        results["new_params"] = measure(base, fresh, cookie, "new_params", args)
        raw_signed = [
            p for hdu in hdus for p in tile_paths(template(base, cookie, hdu, fmt="raw")["template"], ccds, hdu)
        ]
        store_raw(base, raw_signed, cookie)
        results["raw_signed"] = measure(base, raw_signed, cookie, "raw_signed", args)
        results["raw_accel"] = measure(base, raw_tiles, cookie, "raw_accel", args)
    with embedded_site(work, password) as base:
        cookie = login(base, password)
        # The same /tiles/ URLs: the embedded mode serves the same data root and cache folder.
        results["embedded"] = measure(base, accel, cookie, "embedded", args)

    embedded = results["embedded"]
    for case in ("signed", "accel", "new_params"):
        found = results[case]
        say(f"{case}_vs_embedded_tiles_per_s: {found.tiles_per_s / embedded.tiles_per_s:.2f}")
        say(f"{case}_vs_embedded_p95: {found.p95_ms / embedded.p95_ms:.3f}")
    raw_django = results["raw_django"]
    for case in ("raw_signed", "raw_accel"):
        found = results[case]
        say(f"{case}_vs_raw_django_tiles_per_s: {found.tiles_per_s / raw_django.tiles_per_s:.2f}")
        say(f"{case}_vs_raw_django_p95: {found.p95_ms / raw_django.p95_ms:.3f}")
    best = results["signed"]
    met = best.tiles_per_s >= TARGET_TILES_PER_S and best.p95_ms <= TARGET_P95_MS
    say(
        f"target (signed: >= {TARGET_TILES_PER_S} tiles/s, p95 <= {TARGET_P95_MS} ms): "
        f"{'met' if met else 'NOT met'} ({best.tiles_per_s:.0f} tiles/s, p95 {best.p95_ms:.1f} ms)"
    )
    if any(f.errors for f in results.values()):
        raise SystemExit("some requests failed: see the errors lines above")


if __name__ == "__main__":
    main()
