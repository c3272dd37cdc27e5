"""Hostile requests and files given to the analysis jobs: each gets a clear refusal, never a traceback."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

import pytest
from astropy.io import fits
from astropy.table import Table

from apps.analysis.jobs import detect as detect_jobs
from apps.analysis.tests.test_detect_jobs import run
from apps.files.services import resolve
from workers.errors import ToyzError
from workers.imaging.synthetic import write_decam_like

pytestmark = pytest.mark.django_db

IMAGE = {"path": "home/alice/decam.fits", "hdu": 1}


@pytest.fixture
def alice(make_user: Any, data_root: Path) -> Any:
    user = make_user("alice")
    (data_root / "home/alice").mkdir(parents=True, exist_ok=True)
    write_decam_like(data_root / "home/alice/decam.fits", n_ccds=2, ccd_shape=(384, 256), seed=4)
    return user


def _detected(user: Any) -> str:
    found, _ = run(user, "analysis.detect", {"image": IMAGE})
    return str(found["path"])


def _refused(user: Any, fn: str, params: dict[str, Any]) -> ToyzError:
    with pytest.raises(ToyzError) as refused:
        run(user, fn, params)
    return refused.value


def test_it_refuses_to_edit_a_table_whose_header_cards_lie(alice: Any, data_root: Path) -> None:
    real = data_root / _detected(alice)
    for card, value in (("TOYZHDU", "abc"), ("DETMETH", "rm -rf"), ("DETBOX", -3), ("TOYZIMG", "")):
        with fits.open(real) as hdul:
            hdul[1].header[card] = value
            hdul.writeto(data_root / "home/alice/lying.fits", overwrite=True)
        refused = _refused(
            alice, "analysis.catalog_edit", {"path": "home/alice/lying.fits", "add": [{"x": 50, "y": 50}]}
        )
        assert refused.code == "bad_table", (card, refused.message)
    # Deleting needs no image: it still works on such a table.
    done, _ = run(alice, "analysis.catalog_edit", {"path": "home/alice/lying.fits", "delete": [0]})
    assert done["rows"] == len(Table.read(real)) - 1


def test_it_refuses_to_edit_a_table_of_text_ids_a_folder_or_a_truncated_file(alice: Any, data_root: Path) -> None:
    path = _detected(alice)
    table = Table.read(data_root / path)
    table["id"] = table["id"].astype(str)
    table.write(data_root / "home/alice/text-ids.fits")
    (data_root / "home/alice/cut.fits").write_bytes((data_root / path).read_bytes()[:4000])
    for target in ("home/alice/text-ids.fits", "home/alice/detections", "home/alice/cut.fits"):
        refused = _refused(alice, "analysis.catalog_edit", {"path": target, "add": [{"x": 50, "y": 50}]})
        assert refused.code == "bad_table", (target, refused.message)


def test_it_refuses_to_edit_a_table_swapped_for_a_link_after_the_check(
    alice: Any,
    data_root: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    path = _detected(alice)
    secret = data_root / "home/bob/secret.fits"
    secret.parent.mkdir(parents=True)
    Table.read(data_root / path).write(secret)  # a table alice may not read
    checked = resolve

    def resolve_then_swap(*args: Any, **kwargs: Any) -> Any:
        found = checked(*args, **kwargs)
        os.unlink(data_root / path)
        os.symlink(secret, data_root / path)  # swapped between the resolver's check and the read
        return found

    monkeypatch.setattr(detect_jobs, "resolve", resolve_then_swap)
    refused = _refused(alice, "analysis.catalog_edit", {"path": path, "delete": [0]})
    assert refused.code == "bad_path"
    assert (data_root / path).is_symlink() and len(Table.read(secret)) == len(Table.read(data_root / path))


def test_it_refuses_a_cross_match_of_text_columns_or_of_too_many_rows(
    alice: Any,
    data_root: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    path = _detected(alice)
    table = Table.read(data_root / path)
    table["ra"] = ["10:00:00"] * len(table)
    table.write(data_root / "home/alice/text.fits")
    text = {"path": "home/alice/text.fits", "ra": "ra", "dec": "dec"}
    refused = _refused(alice, "analysis.crossmatch", {"a": text, "b": {"path": path}})
    assert refused.code == "bad_table" and "'ra'" in refused.message
    monkeypatch.setattr(detect_jobs, "MAX_MATCH_ROWS", len(table) - 1)
    refused = _refused(alice, "analysis.crossmatch", {"a": {"path": path}, "b": {"path": path}})
    assert refused.code == "too_large" and f"{len(table) - 1:,}" in refused.message


def test_it_refuses_an_annulus_of_absurd_size_as_a_parameter(alice: Any) -> None:
    refused = _refused(alice, "analysis.photometry", {"image": IMAGE, "x": 50, "y": 50, "annulus": [1e300, 1e308]})
    assert refused.code == "bad_params" and len(refused.message) < 200, refused.message
