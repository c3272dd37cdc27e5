"""kind=headers: a folder as a source, through the opener that the header index's app registers.

The header index lives in another app; here a stand-in opener serves a CSV of the folder through the
real core, so that the wiring (list right on the folder, one table, the pool) is what is tested.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest

from apps.files import grants
from apps.files.services import ResolvedPath, Right
from apps.sources import services
from workers.sources import Table, open_table

pytestmark = pytest.mark.django_db


def csv_of_folder(user: Any, folder: ResolvedPath) -> Table:
    return open_table(str(folder.real / "exposures.csv"), 0, cache_dir=None)


@pytest.fixture
def night(data_root, make_user) -> Iterator[Any]:
    admin = make_user("root", admin=True)
    bob = make_user("bob")
    (data_root / "night").mkdir()
    (data_root / "night/exposures.csv").write_text("path,EXPTIME\nnight/a.fits,30\nnight/b.fits,60\n")
    grants.grant("night", bob, [Right.LIST], actor=admin)
    saved = list(services._headers)
    services.register_headers(csv_of_folder)
    yield bob
    services._headers[:] = saved


def test_a_folder_with_the_list_right_is_a_source_of_its_headers(client, night):
    client.force_login(night)
    found = client.get("/api/sources/describe", {"path": "night", "kind": "headers"}).json()
    assert found["kind"] == "headers" and found["rows"] == 2 and found["tables"][0]["index"] == 0
    page = client.get("/api/sources/rows", {"path": "night", "kind": "headers", "columns": "path,EXPTIME"}).json()
    assert page["cells"] == [["night/a.fits", 30], ["night/b.fits", 60]]


def test_a_file_is_no_header_index_and_a_folder_is_no_table(client, night, data_root):
    client.force_login(night)
    as_headers = client.get("/api/sources/describe", {"path": "night/exposures.csv", "kind": "headers"})
    # Bob may list the file, so he may learn that it is a file.
    assert as_headers.status_code == 400 and as_headers.json()["error"]["code"] == "bad_path"
    as_file = client.get("/api/sources/describe", {"path": "night"})
    assert as_file.json()["error"]["code"] == "forbidden"


def test_without_the_list_right_the_folder_is_refused(client, night, make_user):
    client.force_login(make_user("carol"))
    response = client.get("/api/sources/describe", {"path": "night", "kind": "headers"})
    assert response.status_code == 403 and response.json()["error"]["code"] == "forbidden"
