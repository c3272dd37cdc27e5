"""/metrics counts the tiles nginx answered itself from its tile log: each line once, across scrapes,
rotations and truncations, whichever web process of the node reads it."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from django.test import Client

from apps.monitoring import nginx_tiles
from apps.monitoring.nginx_tiles import Position, parse_line, read_new
from apps.monitoring.tests.conftest import Samples, value

pytestmark = pytest.mark.django_db


def line(via: str = "signed", status: int = 200, seconds: float = 0.001, cache: str = "hit") -> str:
    # As deploy/nginx.conf's log_format toyz_tiles writes it.
    return f"1764600000.123 0123456789abcdef0123456789abcdef {via} {status} {seconds:.3f} {cache} 1234\n"


@pytest.fixture
def tile_log(settings: Any, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    log = tmp_path / "nginx-tiles.log"
    settings.TOYZ_NGINX_TILE_LOG = str(log)
    monkeypatch.setattr(nginx_tiles, "_memory_position", None)
    return log


def nginx_samples(samples: Samples) -> Samples:
    return {key: v for key, v in samples.items() if key[0].startswith("toyz_nginx_")}


def tiles(samples: Samples, **labels: str) -> float:
    return value(samples, "toyz_nginx_tiles_total", **labels)


def test_tile_lines_are_counted_once_by_route_status_and_cache(client: Client, scrape: Any, tile_log: Path) -> None:
    tile_log.write_text(line() * 5)
    first = scrape(client)  # the first scrape starts at the log's end: what came before is not this run's
    with tile_log.open("a") as log:
        log.write(line() * 3 + line(status=403, cache="-") + line("accel", seconds=0.004) + "garbage\n")
        log.write(line()[:20])  # a line nginx is still writing waits for the next scrape
    second = scrape(client)
    third = scrape(client)

    def added(after: Samples, **labels: str) -> float:
        return tiles(after, **labels) - tiles(first, **labels)

    assert added(second, via="signed", status="200", cache="hit") == 3
    assert added(second, via="signed", status="403", cache="-") == 1
    assert added(second, via="accel", status="200", cache="hit") == 1
    assert nginx_samples(third) == nginx_samples(second)  # nothing new, nothing counted twice
    assert (
        value(second, "toyz_nginx_tile_duration_seconds_count", via="signed")
        - value(first, "toyz_nginx_tile_duration_seconds_count", via="signed")
        == 4
    )
    le = {"le": "0.005"}
    assert (
        value(second, "toyz_nginx_tile_duration_seconds_bucket", via="accel", **le)
        - value(first, "toyz_nginx_tile_duration_seconds_bucket", via="accel", **le)
        == 1
    )


def test_a_rotated_log_is_finished_then_the_new_one_read_from_its_start(tile_log: Path) -> None:
    tile_log.write_text(line())
    _, position = read_new(tile_log, None)
    with tile_log.open("a") as log:
        log.write(line(status=304))
    tile_log.rename(tile_log.with_name(tile_log.name + ".1"))  # logrotate's rename; nginx writes on, then reopens
    with tile_log.with_name(tile_log.name + ".1").open("a") as log:
        log.write(line(status=404, cache="-"))
    tile_log.write_text(line(status=200, cache="miss"))
    lines, position = read_new(tile_log, position)
    assert [parse_line(raw).status for raw in lines] == ["304", "404", "200"]  # type: ignore[union-attr]
    assert position == Position(tile_log.stat().st_ino, tile_log.stat().st_size)


def test_a_log_truncated_in_place_is_read_from_its_start(tile_log: Path) -> None:
    tile_log.write_text(line() * 4)
    _, position = read_new(tile_log, None)
    tile_log.write_text(line(status=403, cache="-"))  # copytruncate: same file, shorter
    lines, _ = read_new(tile_log, position)
    assert [parse_line(raw).status for raw in lines] == ["403"]  # type: ignore[union-attr]


def test_web_processes_of_a_node_share_where_the_log_was_read(
    tile_log: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Two readers (two web processes) over one metrics folder: the position lives there, so a line read
    # by one is not read again by the other.
    folder = tmp_path / "metrics"
    folder.mkdir()
    monkeypatch.setattr(nginx_tiles, "multiprocess_dir", lambda: str(folder))
    counted: list[int] = []

    def count(lines: list[bytes]) -> int:
        counted.append(len(lines))
        return len(lines)

    monkeypatch.setattr(nginx_tiles, "count", count)
    tile_log.write_text(line())
    nginx_tiles.catch_up()
    with tile_log.open("a") as log:
        log.write(line() * 2)
    nginx_tiles.catch_up()
    monkeypatch.setattr(nginx_tiles, "_memory_position", None)  # nothing in this process's memory counts
    nginx_tiles.catch_up()
    assert counted == [0, 2, 0]


def test_lines_of_another_shape_are_skipped() -> None:
    assert parse_line(line().encode()) is not None
    assert parse_line(b"1 2 other 200 0.1 hit 5") is None  # an unknown route
    assert parse_line(b"1 2 signed 2000 0.1 hit 5") is None
    assert parse_line(b"1 2 signed 200 fast hit 5") is None
    assert parse_line(b"1 2 signed 200 0.1 hit") is None
    assert parse_line(b"1 2 signed 200 0.1 weird 5").cache == "other"  # type: ignore[union-attr]
