"""What folder grants cost on the tile path: tiles per second through the real tile endpoint for a user
whose rights come from 50 grants through 5 groups, against an admin, in the same run.

Run: ``.venv/bin/python benchmarks/grants.py [--size 2048] [--rounds 20]`` (``make bench-grants``)

It sets up a throw-away site in the embedded mode (a SQLite database, a data root and a cache folder in a
temporary folder): an admin, and an observer who is a member of 5 groups that hold 50 grants between them
(a folder per night, none grants on a calibration folder in some, more grants inside the image's night).
The image lies 5 folders below the grant that lets the observer read it. Every tile of the coarsest levels is
rendered once (warm cache), then both users fetch the same tiles through Django's test client (session
login, URL routing, the resolver, the rights check, the cached tile, the response), taking turns tile by
tile, so that both see the same machine. It prints ``name: value`` lines:

- ``tiles_per_s_admin``, ``tiles_per_s_granted`` and ``ratio`` (granted / admin; the target is ≥ 0.9),
  and ``ratio_of_medians`` (of the two median tile times), which a burst of load moves less;
- ``check_us_admin``, ``check_us_granted``: one ``has_right`` call on the image, in microseconds;
- ``queries_per_tile_admin``, ``queries_per_tile_granted``: database queries per tile request.
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path, PurePosixPath
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

GROUPS = 5
GRANTS = 50
IMAGE = "nights/n37/raw/ccd07/reduced/deep/field.fits"
GRANTED_AT = "nights/n37"


def configure(folder: Path) -> None:
    """Point the settings at a fresh embedded site inside `folder` (before Django starts)."""
    for name in ("TOYZ_REDIS_URL", "DATABASE_URL", "TOYZ_DATA_ROOT", "TOYZ_CACHE_DIR"):
        os.environ.pop(name, None)
    os.environ["TOYZ_VAR_DIR"] = str(folder)
    os.environ.setdefault("TOYZ_LOG_LEVEL", "WARNING")
    os.environ["DJANGO_SETTINGS_MODULE"] = "toyz_site.settings"
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0, interactive=False)


def populate(data_root: Path, size: int) -> tuple[Any, Any]:
    """The admin, the observer and their 50 grants through 5 groups; returns (admin, observer)."""
    from astropy.io import fits
    from django.contrib.auth import get_user_model
    from django.contrib.auth.models import Group

    from apps.files import grants
    from apps.files.permissions import Right
    from workers.imaging.synthetic import star_field

    users = get_user_model()
    admin = users.objects.create_superuser("admin", "", "bench-password")
    observer = users.objects.create_user("observer", "", "bench-password")
    groups = [Group.objects.create(name=f"team{n}") for n in range(GROUPS)]
    for group in groups:
        observer.groups.add(group)
    image = data_root / IMAGE
    image.parent.mkdir(parents=True)
    fits.PrimaryHDU(star_field((size, size), n_stars=size * size // 2000, seed=0)).writeto(image)
    # 30 nights, each to one group, with a none grant on the calibration folder of every fifth one.
    for n in range(30):
        night = f"nights/n{n:02d}"
        (data_root / night / "calib").mkdir(parents=True)
        grants.grant(night, groups[n % GROUPS], [Right.READ])
        if n % 5 == 0:
            grants.grant(f"{night}/calib", groups[(n + 1) % GROUPS], [])
    # The image's night, and 13 grants inside it around the image's folder (none of them above it).
    grants.grant(GRANTED_AT, groups[2], [Right.READ])
    for n in range(13):
        folder = f"{GRANTED_AT}/raw/ccd{n:02d}" if n != 7 else f"{GRANTED_AT}/raw/ccd07/reduced/other"
        (data_root / folder).mkdir(parents=True, exist_ok=True)
        grants.grant(folder, groups[n % GROUPS], [[Right.LIST], [Right.READ], []][n % 3])
    from apps.files.models import PathGrant

    assert PathGrant.objects.count() == GRANTS, PathGrant.objects.count()
    return admin, observer


def tile_urls(size: int) -> list[str]:
    """Every tile of the four coarsest levels, with fixed limits (no zscale per request)."""
    from workers.imaging.pyramid import tile_counts
    from workers.imaging.reading import level_count

    top = level_count(size, size) - 1
    urls = []
    for level in range(max(top - 3, 0), top + 1):
        nx, ny = tile_counts(size, size, level)
        urls += [
            f"/tiles/{level}/{x}/{y}.png?path={IMAGE}&lo=90&hi=400&stretch=asinh" for x in range(nx) for y in range(ny)
        ]
    return urls


def fetch(client: Any, url: str) -> float:
    """Seconds to fetch one tile."""
    start = time.perf_counter()
    response = client.get(url)
    elapsed = time.perf_counter() - start
    if response.status_code != 200:
        raise SystemExit(f"{url}: {response.status_code} {response.content[:200]!r}")
    return elapsed


def check_us(user: Any, repeat: int = 20000) -> float:
    from apps.files.permissions import Right, has_right

    path = PurePosixPath(IMAGE)
    assert has_right(user, path, Right.READ)
    start = time.perf_counter()
    for _ in range(repeat):
        has_right(user, path, Right.READ)
    return (time.perf_counter() - start) / repeat * 1e6


def queries_per_tile(client: Any, url: str) -> int:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as captured:
        client.get(url)
    return len(captured.captured_queries)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--size", type=int, default=2048, help="image side in pixels")
    parser.add_argument("--rounds", type=int, default=20, help="turns each user takes at fetching every tile")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="toyz-bench-grants-") as tmp:
        configure(Path(tmp))
        from django.conf import settings
        from django.test import Client

        admin, observer = populate(Path(settings.TOYZ_DATA_ROOT), args.size)
        clients = {}
        for name, user in (("admin", admin), ("granted", observer)):
            clients[name] = Client(HTTP_HOST="127.0.0.1")
            clients[name].force_login(user)
        urls = tile_urls(args.size)
        for url in urls:  # renders and caches every tile
            fetch(clients["admin"], url)
            fetch(clients["granted"], url)
        # Tile by tile, both users in turn, who goes first changing every round: a burst of load on a
        # shared machine falls on both alike.
        seconds: dict[str, list[float]] = {"admin": [], "granted": []}
        for n in range(args.rounds):
            order = ("admin", "granted") if n % 2 == 0 else ("granted", "admin")
            for url in urls:
                for name in order:
                    seconds[name].append(fetch(clients[name], url))
        results: dict[str, float] = {"tiles_per_round": len(urls), "rounds": args.rounds}
        for name in ("admin", "granted"):
            results[f"tiles_per_s_{name}"] = len(seconds[name]) / sum(seconds[name])
            results[f"median_tile_ms_{name}"] = statistics.median(seconds[name]) * 1000
        results["ratio"] = results["tiles_per_s_granted"] / results["tiles_per_s_admin"]
        results["ratio_of_medians"] = results["median_tile_ms_admin"] / results["median_tile_ms_granted"]
        results["check_us_admin"] = check_us(admin)
        results["check_us_granted"] = check_us(observer)
        results["queries_per_tile_admin"] = queries_per_tile(clients["admin"], urls[0])
        results["queries_per_tile_granted"] = queries_per_tile(clients["granted"], urls[0])
    print(f"grants: {GRANTS} through {GROUPS} groups; image {args.size}x{args.size} at {IMAGE}")
    for name, value in results.items():
        print(f"{name}: {value:.3f}" if value < 10 else f"{name}: {value:.1f}")


if __name__ == "__main__":
    main()
