"""Writing from the file browser as a person does it: drop a file, replace it when asked, rename,
delete into the trash and restore it; and no writing controls where the user may not write.

Reuses the server and browser of tests/test_browser.py (a real uvicorn process, Debian's Chromium).
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from tests.test_browser import browser, logged_in_page, open_file, page, site

__all__ = ["browser", "page", "site"]  # fixtures of tests/test_browser.py, used here by name
pytestmark = pytest.mark.browser

# A File in a DataTransfer, as the browser builds one when a file is dragged from the desktop.
DRAGGED_FILE = """([name, size, fill]) => {
  const data = new DataTransfer();
  data.items.add(new File([new Uint8Array(size).fill(fill)], name, {type: 'application/octet-stream'}));
  return data;
}"""


def drop_file(page: Any, name: str, size: int, fill: int) -> None:
    """Drag a file over the listing and drop it there."""
    data = page.evaluate_handle(DRAGGED_FILE, [name, size, fill])
    listing = page.locator("[data-testid=file-browser] ul.entries")
    listing.dispatch_event("dragenter", {"dataTransfer": data})
    listing.dispatch_event("dragover", {"dataTransfer": data})
    assert page.locator(".drop-hint").is_visible(), "the listing does not show that it takes the drop"
    listing.dispatch_event("drop", {"dataTransfer": data})


def shown(page: Any, folder: str, *, writable: bool) -> None:
    """Wait until the file browser shows `folder` (and says whether the user may write there)."""
    flag = "true" if writable else "false"
    page.locator(f'[data-testid=file-browser][data-folder="{folder}"][data-writable="{flag}"]').wait_for()


def entry(page: Any, name: str) -> Any:
    return page.locator(f'[data-testid=entry][data-name="{name}"]')


def row(page: Any, name: str) -> Any:
    return page.locator("li.entry-row").filter(has=entry(page, name))


def test_a_dropped_file_uploads_with_progress_then_is_renamed_deleted_and_restored(
    page: Any, site: dict[str, Any]
) -> None:
    home: Path = site["data"] / "home/admin"
    open_file(page, "home", "admin")
    shown(page, "home/admin", writable=True)
    size = 3 * 1024 * 1024

    drop_file(page, "dropped.fits", size, 7)
    upload = page.locator('[data-testid=upload][data-name="dropped.fits"]')
    upload.locator("[data-testid=upload-progress]").wait_for()
    page.locator('[data-testid=upload][data-name="dropped.fits"][data-state=done]').wait_for(timeout=30_000)
    progress = upload.locator("[data-testid=upload-progress]")
    assert progress.evaluate("p => p.value === p.max"), "the progress bar did not reach its end"
    entry(page, "dropped.fits").wait_for()
    assert (home / "dropped.fits").read_bytes() == bytes([7]) * size

    # The same name again: asked before anything is overwritten, then replaced.
    page.locator("[data-testid=uploads-clear]").click()
    drop_file(page, "dropped.fits", 1000, 9)
    ask = page.locator('[data-testid=upload][data-name="dropped.fits"][data-state=exists]')
    ask.wait_for(timeout=30_000)
    assert "Replace it?" in ask.inner_text()
    assert (home / "dropped.fits").stat().st_size == size
    ask.locator("[data-testid=upload-replace]").click()
    page.locator('[data-testid=upload][data-name="dropped.fits"][data-state=done]').wait_for(timeout=30_000)
    assert (home / "dropped.fits").read_bytes() == bytes([9]) * 1000

    # Rename in place: the field opens on the name, Enter renames.
    row(page, "dropped.fits").hover()
    row(page, "dropped.fits").locator("[data-testid=entry-rename]").click()
    field = page.locator("[data-testid=name-input]")
    assert field.input_value() == "dropped.fits"
    field.fill("../evil.fits")
    field.press("Enter")
    assert "/" in page.locator("[data-testid=name-error]").inner_text()  # the server's sentence
    field.fill("m13 night.fits")
    field.press("Enter")
    entry(page, "m13 night.fits").wait_for()
    assert not (home / "dropped.fits").exists() and (home / "m13 night.fits").is_file()

    # Delete into the trash, then restore from the Trash view.
    row(page, "m13 night.fits").locator("[data-testid=entry-delete]").click()
    page.locator("[data-testid=browser-notice]").filter(has_text="moved to the trash").wait_for()
    entry(page, "m13 night.fits").wait_for(state="detached")
    assert not (home / "m13 night.fits").exists()
    page.locator("[data-testid=trash-toggle]").click()
    deleted = page.locator('[data-testid=trash-entry][data-path="home/admin/m13 night.fits"]')
    deleted.wait_for()
    assert "deleted by admin" in deleted.inner_text()
    deleted.locator("[data-testid=trash-restore]").click()
    deleted.wait_for(state="detached")
    page.locator("[data-testid=trash-toggle]").click()
    entry(page, "m13 night.fits").wait_for()
    assert (home / "m13 night.fits").read_bytes() == bytes([9]) * 1000


def test_a_new_folder_is_made_and_a_restore_that_meets_the_same_name_asks_for_another(
    page: Any, site: dict[str, Any]
) -> None:
    home: Path = site["data"] / "home/admin"
    open_file(page, "home", "admin")
    shown(page, "home/admin", writable=True)
    page.locator("[data-testid=new-folder]").click()
    page.locator("[data-testid=name-input]").fill("night 2")
    page.locator("[data-testid=name-submit]").click()
    entry(page, "night 2").wait_for()
    assert (home / "night 2").is_dir()

    row(page, "night 2").locator("[data-testid=entry-delete]").click()
    entry(page, "night 2").wait_for(state="detached")
    (home / "night 2").mkdir()  # someone makes the same name meanwhile
    page.locator("[data-testid=browser-refresh]").click()
    page.locator("[data-testid=trash-toggle]").click()
    deleted = page.locator('[data-testid=trash-entry][data-path="home/admin/night 2"]')
    deleted.locator("[data-testid=trash-restore]").click()
    assert "another name" in page.locator("[data-testid=restore-error]").inner_text()
    assert page.locator("[data-testid=restore-name]").input_value() == "night 2 (restored)"
    page.locator("[data-testid=restore-as]").click()
    deleted.wait_for(state="detached")
    assert (home / "night 2 (restored)").is_dir() and (home / "night 2").is_dir()


def test_no_writing_controls_where_the_user_may_not_write(site: dict[str, Any], browser: Any) -> None:
    with logged_in_page(browser, site["base"], "carol", viewport=(1200, 800)) as page:
        entry(page, "home").wait_for()
        shown(page, "", writable=False)
        assert page.locator("[data-testid=upload-button]").count() == 0
        assert page.locator("[data-testid=new-folder]").count() == 0
        assert page.locator("[data-testid=entry-delete]").count() == 0
        # A drop where she may not write uploads nothing.
        data = page.evaluate_handle(DRAGGED_FILE, ["x.fits", 10, 1])
        page.locator("[data-testid=file-browser] ul.entries").dispatch_event("drop", {"dataTransfer": data})
        assert page.locator("[data-testid=upload]").count() == 0
        open_file(page, "home", "carol")
        shown(page, "home/carol", writable=True)
        assert page.locator("[data-testid=upload-button]").is_visible()
