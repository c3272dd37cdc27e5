"""The header search language: what each operator matches, and the sentences for bad queries."""

from __future__ import annotations

import pytest

from workers.errors import ToyzError
from workers.headers import matches, parse_query
from workers.headers.reading import Value

NIGHT: dict[str, dict[str, Value]] = {
    "c4d_001.fits": {"FILTER": "r DECam", "EXPTIME": 90.0, "DATE-OBS": "2026-11-23T03:12:00.5", "OBJECT": "NGC 1300"},
    "c4d_002.fits": {"FILTER": "g DECam", "EXPTIME": 30, "DATE-OBS": "2026-11-23T04:00:00", "OBJECT": "ngc 1365"},
    "c4d_003.fits": {"FILTER": "r DECam", "EXPTIME": 60, "DATE-OBS": "2026-11-24T01:00:00", "OBJECT": "M31"},
    "flat.fits": {"FILTER": "R", "EXPTIME": 5, "IMAGETYP": "flat", "PHOTOMET": False},
    "bias.fits": {"EXPTIME": 0},
}


def found(text: str) -> list[str]:
    query = parse_query(text)
    return sorted(name for name, keywords in NIGHT.items() if matches(query, name, keywords))


def test_the_issue_example_finds_the_one_exposure() -> None:
    assert found('FILTER=r* EXPTIME>60 DATE-OBS:2026-11-23 OBJECT~"NGC 1"') == ["c4d_001.fits"]


def test_equality_is_exact_and_case_insensitive_with_wildcards() -> None:
    assert found("FILTER=r") == ["flat.fits"]
    assert found("filter=R*") == ["c4d_001.fits", "c4d_003.fits", "flat.fits"]
    assert found('OBJECT="ngc 1300"') == ["c4d_001.fits"]


def test_numbers_compare_as_numbers() -> None:
    assert found("EXPTIME=60.0") == ["c4d_003.fits"]
    assert found("EXPTIME>=60") == ["c4d_001.fits", "c4d_003.fits"]
    assert found("EXPTIME<5") == ["bias.fits"]
    assert found("EXPTIME<=5 EXPTIME>0") == ["flat.fits"]


def test_dates_compare_as_dates_and_prefix_picks_a_date() -> None:
    assert found("DATE-OBS>2026-11-23T03:30") == ["c4d_002.fits", "c4d_003.fits"]
    assert found("DATE-OBS<2026-11-24") == ["c4d_001.fits", "c4d_002.fits"]
    assert found("DATE-OBS:2026-11-24") == ["c4d_003.fits"]


def test_not_equal_includes_files_without_the_keyword() -> None:
    assert found("FILTER!=r*") == ["bias.fits", "c4d_002.fits"]


def test_a_missing_keyword_matches_no_other_term() -> None:
    assert found("IMAGETYP~fl") == ["flat.fits"]
    assert found("FILTER:g") == ["c4d_002.fits"]
    assert found("NOSUCH>1") == []


def test_booleans_read_as_fits_writes_them() -> None:
    assert found("PHOTOMET=F") == ["flat.fits"]
    assert found("PHOTOMET=false") == ["flat.fits"]


def test_free_words_match_the_file_name() -> None:
    assert found("c4d") == ["c4d_001.fits", "c4d_002.fits", "c4d_003.fits"]
    assert found("*_00[12].fits") == ["c4d_001.fits", "c4d_002.fits"]
    assert found("FLAT") == ["flat.fits"]


def test_an_empty_query_matches_everything() -> None:
    assert len(found("   ")) == len(NIGHT)


@pytest.mark.parametrize(
    ("text", "position", "words"),
    [
        (">60", 1, "needs a keyword before it"),
        ("FILTER=r EXPTIME>lots", 10, "compares numbers or dates"),
        ('OBJECT="NGC 1', 8, "never closed"),
        ("FILTER=r EXPTIME=", 10, "needs a value"),
        ("a =b", 3, "needs a keyword before it"),
    ],
)
def test_a_bad_query_names_the_character(text: str, position: int, words: str) -> None:
    with pytest.raises(ToyzError) as caught:
        parse_query(text)
    assert caught.value.code == "bad_query"
    assert f"At character {position} " in caught.value.message
    assert words in caught.value.message


def test_a_query_too_long_is_refused() -> None:
    with pytest.raises(ToyzError, match="at most 1000 characters"):
        parse_query("x" * 1001)
