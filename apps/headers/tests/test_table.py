"""A folder's index as a data source: one row per readable exposure, typed columns, thumbnails."""

from __future__ import annotations

import math
from urllib.parse import parse_qs, urlparse

import numpy as np
import pytest

from apps.files.grants import grant
from apps.files.services import Right
from apps.headers.services import folder_table, index_folder
from workers.errors import ToyzError
from workers.sources import Table

pytestmark = pytest.mark.django_db


@pytest.fixture
def root(make_user, night, as_folder):
    admin = make_user("root", admin=True)
    index_folder(as_folder(admin, ""), recursive=True)
    return admin


def test_it_has_a_row_per_exposure_by_time_and_the_default_keywords_present(root):
    table = folder_table(root, "nights")
    assert isinstance(table, Table) and table.format == "headers"
    names = [c.name for c in table.columns]
    assert names == [
        "path",
        "name",
        "DATE-OBS",
        "DATE-OBS_MJD",
        "OBJECT",
        "FILTER",
        "EXPTIME",
        "AIRMASS",
        "SEEING",
        "thumbnail",
    ]
    assert table.rows == 5  # the corrupt file is no exposure
    assert list(table.column("name")) == [
        "c4d_001.fits",
        "c4d_002.fits",
        "c4d_004.fits",
        "c4d_005.fits",
        "c4d_003.fits",
    ]
    exptime = table.column("EXPTIME")
    assert exptime.dtype == np.float64 and list(exptime) == [90.0, 30.0, 120.0, 90.0, 60.0]
    seeing = table.column("SEEING")
    assert seeing[0] == 0.9 and math.isnan(seeing[2])
    assert table.column("DATE-OBS_MJD")[0] == pytest.approx(61367.1333333, abs=1e-6)
    kinds = {c.name: (c.kind, c.unit, c.ucd) for c in table.columns}
    assert kinds["EXPTIME"] == ("float", "s", "time.duration;obs.exposure") and kinds["OBJECT"][0] == "string"
    assert list(table.take("OBJECT", np.array([4, 0]))) == ["M31", "NGC 1300"]


def test_the_thumbnail_column_points_at_the_imaging_endpoint(root):
    url = urlparse(str(folder_table(root, "nights/n1/secret").column("thumbnail")[0]))
    assert url.path == "/api/imaging/thumbnail"
    query = parse_qs(url.query)
    assert query["path"] == ["nights/n1/secret/c4d_005.fits"] and query["size"] == ["128"] and query["v"]


def test_chosen_keywords_become_columns_missing_ones_nan_or_blank(root):
    table = folder_table(root, "nights/n1", ["exptime", "INSTRUME", "NOSUCH"])
    assert [c.name for c in table.columns] == ["path", "name", "EXPTIME", "INSTRUME", "NOSUCH", "thumbnail"]
    assert list(table.column("INSTRUME")).count("DECam-like") == 1
    assert np.isnan(table.column("NOSUCH")).all()
    with pytest.raises(ToyzError, match="already"):
        folder_table(root, "nights", ["path"])


def test_a_user_never_gets_a_row_they_may_not_read(root, make_user):
    alice = make_user("alice")
    grant("nights", alice, [Right.READ])
    grant("nights/n1/secret", alice, [])
    table = folder_table(alice, "nights")
    assert table.rows == 4 and "nights/n1/secret/c4d_005.fits" not in set(table.column("path"))
    assert table.identity != folder_table(root, "nights").identity


def test_the_identity_follows_the_rows(root, exposure, as_folder):
    before = folder_table(root, "nights").identity
    assert folder_table(root, "nights").identity == before
    exposure("nights/n1/c4d_009.fits", FILTER="Y")
    index_folder(as_folder(root, "nights/n1"), recursive=False)
    assert folder_table(root, "nights").identity != before


def test_a_file_is_no_folder_table(root):
    with pytest.raises(ToyzError) as caught:
        folder_table(root, "nights/n1/c4d_001.fits")
    assert caught.value.code == "bad_path"
    with pytest.raises(ToyzError) as refused:
        folder_table(root, "nights/n1/take", ["x"] * 0)
    assert refused.value.code == "not_found"


def test_a_second_request_is_served_without_reading_the_index_again(root, django_assert_num_queries):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    first = folder_table(root, "nights")
    # The index's version and the grants' version, one primary-key read each; no row of the index.
    with django_assert_num_queries(2), CaptureQueriesContext(connection) as queries:
        again = folder_table(root, "nights")
    assert again is first
    assert not [q["sql"] for q in queries.captured_queries if "headerentry" in q["sql"].lower()]


def test_a_newly_indexed_file_shows_up_in_the_next_table(root, exposure, as_folder):
    assert "nights/n1/c4d_009.fits" not in set(folder_table(root, "nights").column("path"))
    exposure("nights/n1/c4d_009.fits", FILTER="Y")
    index_folder(as_folder(root, "nights/n1"), recursive=False)
    assert "nights/n1/c4d_009.fits" in set(folder_table(root, "nights").column("path"))


def test_a_file_dropped_from_the_index_leaves_the_next_table(root, night, as_folder):
    assert "nights/n1/c4d_002.fits" in set(folder_table(root, "nights").column("path"))
    (night / "c4d_002.fits").unlink()
    index_folder(as_folder(root, "nights/n1"), recursive=False)
    assert "nights/n1/c4d_002.fits" not in set(folder_table(root, "nights").column("path"))


def test_a_new_grant_changes_what_the_next_table_holds(root, make_user):
    alice = make_user("alice")
    assert folder_table(alice, "").rows == 0
    grant("nights", alice, [Right.READ])
    assert folder_table(alice, "").rows > 0
