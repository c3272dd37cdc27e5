"""The table view in real Chromium, on a fake source of a million rows: frontend/table-harness.html
served by Vite's development server (the page is never in the production build). It scrolls to the
middle with the wheel, sorts by a header, selects rows by clicking, filters, and fires toyz-locate.
At integration these move to a table file opened on the real server."""

from __future__ import annotations

import math
import os
import shutil
import subprocess
import urllib.request
from collections.abc import Iterator
from typing import Any

import pytest

from tests.conftest import ROOT, free_port, wait_for
from tests.test_browser import browser, watch_csp

pytestmark = pytest.mark.browser
__all__ = ["browser"]  # a module-scoped fixture, used here by name

FRONTEND = ROOT / "frontend"
ROWS = 1_000_000
ROW = "[data-testid=table-row]"


def frac(x: float) -> float:
    return x - math.floor(x)


def fake_value(name: str, i: int) -> float | str | None:
    """The harness's values (frontend/tests/harness/fake-source-store.ts), computed the same way."""
    if name == "ra":
        return 360 * frac(i * 0.6180339887)
    if name == "dec":
        return -90 + 180 * frac(i * 0.7548776662)
    if name == "mag":
        return None if i % 97 == 0 else 14 + 10 * frac(i * 0.5698402910) + 0.2
    if name == "name":
        return f"J{i:07d}"
    raise KeyError(name)


def _up(url: str) -> bool:
    try:
        with urllib.request.urlopen(url, timeout=2) as response:
            return bool(response.status == 200)
    except OSError:
        return False


@pytest.fixture(scope="module")
def harness_url() -> Iterator[str]:
    """Vite's development server on a free port, serving the harness page."""
    node = shutil.which("node")
    if node is None or not (FRONTEND / "node_modules/vite").exists():
        pytest.fail("The table harness needs node and the front end's packages: run `make frontend`.")
    port = free_port()
    server = subprocess.Popen(
        [node, "node_modules/vite/bin/vite.js", "--port", str(port), "--strictPort", "--host", "127.0.0.1"],
        cwd=FRONTEND, env={**os.environ, "BROWSER": "none"}, stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
    )  # fmt: skip
    url = f"http://127.0.0.1:{port}/static/table-harness.html"
    try:
        wait_for(lambda: server.poll() is not None or _up(url), 60, "Vite's development server")
        assert server.poll() is None, server.stdout.read().decode() if server.stdout else ""
        yield url
    finally:
        server.terminate()
        server.wait(timeout=20)


@pytest.fixture
def page(browser: Any, harness_url: str) -> Iterator[Any]:
    context = browser.new_context(viewport={"width": 1100, "height": 700})
    violations = watch_csp(context)
    page = context.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    page.goto(harness_url)
    # Vite may reload the page once while it bundles the dependencies on a first visit.
    page.wait_for_function("() => window.harness?.table.viewRows === 1000000", timeout=60_000)
    page.locator(f"{ROW}[data-row='0']").wait_for()
    yield page
    context.close()
    assert not errors, f"JavaScript errors on the page: {errors}"
    assert not violations, f"Content-Security-Policy violations: {violations}"


def shown_rows(page: Any) -> list[int]:
    """The file row numbers of the rows drawn, once none is waiting for its page."""
    page.wait_for_function("() => !document.querySelector('[data-testid=table-row].placeholder')", timeout=10_000)
    return [int(r) for r in page.locator(ROW).evaluate_all("rows => rows.map(r => r.dataset.row)")]


def cells(page: Any, position: int) -> list[str]:
    row = page.locator(f"{ROW}[data-position='{position}'] .table-cell")
    return [str(t).strip() for t in row.all_inner_texts()]


def column_values(page: Any, column: str) -> list[float | None]:
    """The values of one column in the rows drawn (blank cells as None)."""
    heads = page.locator("[data-testid=table-head]").evaluate_all("hs => hs.map(h => h.dataset.column)")
    at = heads.index(column)
    shown_rows(page)
    texts = page.locator(ROW).evaluate_all(f"rows => rows.map(r => r.children[{at}].textContent.trim())")
    return [float(t) if t else None for t in texts]


def wait_for_first_value(page: Any, column: str) -> None:
    """Waits until the table's first row is drawn with a value in `column`."""
    page.wait_for_function(
        """column => {
            const heads = [...harness.table.querySelectorAll('[data-testid=table-head]')].map(h => h.dataset.column);
            const row = harness.table.querySelector("[data-testid=table-row][data-position='0']");
            return !!row && !!row.dataset.row && row.children[heads.indexOf(column)].textContent.trim() !== '';
        }""",
        arg=column,
        timeout=10_000,
    )


def scroller_box(page: Any) -> dict[str, float]:
    return dict(page.locator("[data-testid=table-scroller]").bounding_box())


def last_selection(page: Any) -> dict[str, Any]:
    return dict(page.evaluate("() => harness.store.selections.at(-1)"))


def test_the_wheel_reaches_the_middle_of_a_million_rows_and_draws_them(page: Any) -> None:
    assert page.locator("[data-testid=table-count]").inner_text() == "1,000,000 rows"
    # The table lays its rows out once it has its size: wait for a screenful, not for the first row.
    page.wait_for_function("selector => document.querySelectorAll(selector).length >= 3", arg=ROW)
    assert shown_rows(page)[:3] == [0, 1, 2]
    asked_before = page.evaluate("harness.store.requests.length")
    box = scroller_box(page)
    page.mouse.move(box["x"] + 200, box["y"] + 200)
    wheels = 40
    for _ in range(wheels):
        page.mouse.wheel(0, 100_000)
    page.wait_for_function(
        "() => { const s = document.querySelector('[data-testid=table-scroller]');"
        " return s.scrollTop >= (s.scrollHeight - s.clientHeight) / 2 - 1; }"
    )
    rows = shown_rows(page)
    # The scroll bar's middle is the table's middle (within a screenful), drawn in order, no gaps.
    assert abs(rows[0] - ROWS / 2) < 30, rows[:3]
    assert rows == list(range(rows[0], rows[0] + len(rows)))
    assert 15 <= len(rows) <= 30
    first = page.locator(ROW).first.get_attribute("data-position")
    assert cells(page, int(first))[-1] == fake_value("name", rows[0])
    # Pages are fetched where the view stops, not for every page flown past (2,500 of them).
    asked = page.evaluate("harness.store.requests.length") - asked_before
    assert asked <= 3 * wheels, asked
    assert all(q["count"] <= 500 for q in page.evaluate("harness.store.requests"))


def test_a_header_click_sorts_on_the_server_and_a_second_reverses(page: Any) -> None:
    head = page.locator("[data-testid=table-head][data-column=mag]")
    head.click()
    page.wait_for_function("() => harness.store.requests.at(-1).sort === 'mag'")
    page.locator(f"{ROW}[data-position='0'][data-row]:not([data-row=''])").wait_for()
    assert "▲" in head.inner_text()
    values = [v for v in column_values(page, "mag") if v is not None]
    assert values == sorted(values) and values[0] < 14.21
    saved = page.evaluate("harness.states.at(-1).state")
    assert (saved["sort"], saved["desc"], saved["scroll"]) == ("mag", False, 0)

    head.click()
    page.wait_for_function("() => harness.store.requests.at(-1).desc === true")
    page.wait_for_function(
        "() => harness.table.querySelector('[data-testid=table-head][data-column=mag]').textContent.includes('▼')"
    )
    # The reversed page arrives after the arrow turns: wait until the first row shows a value again.
    wait_for_first_value(page, "mag")
    values = [v for v in column_values(page, "mag") if v is not None]
    assert values == sorted(values, reverse=True) and values[0] > 24.1
    assert page.evaluate("harness.states.at(-1).state.desc") is True


def test_shift_click_selects_a_range_and_ctrl_click_toggles_a_row(page: Any) -> None:
    page.locator(f"{ROW}[data-position='3']").click()
    assert last_selection(page) == {"state": {"kind": "rows", "rows": [3]}, "origin": "table-1"}
    page.locator(f"{ROW}[data-position='8']").click(modifiers=["Shift"])
    assert last_selection(page) == {"state": {"kind": "rows", "rows": [3, 4, 5, 6, 7, 8]}, "origin": "table-1"}
    selected = page.locator(f"{ROW}[aria-selected=true]")
    page.wait_for_function(
        "() => document.querySelectorAll('[data-testid=table-row][aria-selected=true]').length === 6"
    )
    assert selected.evaluate_all("rows => rows.map(r => Number(r.dataset.row))") == [3, 4, 5, 6, 7, 8]
    assert page.locator("[data-testid=table-selected-count]").inner_text() == "6 selected"

    page.locator(f"{ROW}[data-position='5']").click(modifiers=["Control"])
    assert last_selection(page)["state"] == {"kind": "rows", "rows": [3, 4, 6, 7, 8]}
    page.wait_for_function(
        "() => document.querySelectorAll('[data-testid=table-row][aria-selected=true]').length === 5"
    )
    # The table made the selection: no "go to the first selected row" for its own.
    assert page.locator("[data-testid=table-go-selected]").count() == 0


def test_a_click_on_a_row_fires_toyz_locate_with_its_sky_position(page: Any) -> None:
    page.locator(f"{ROW}[data-position='10']").click()
    located = page.evaluate("harness.locates.at(-1)")
    assert located["row"] == 10
    assert located["ra"] == pytest.approx(fake_value("ra", 10))
    assert located["dec"] == pytest.approx(fake_value("dec", 10))


def test_the_arrow_keys_move_the_current_row_and_enter_locates_it(page: Any) -> None:
    page.locator(f"{ROW}[data-position='2']").click()
    for _ in range(30):
        page.keyboard.press("ArrowDown")
    # The current row stays in sight: the view scrolled under it.
    current = page.locator(f"{ROW}.current")
    assert current.get_attribute("data-position") == "32"
    page.keyboard.press("Enter")
    assert page.evaluate("harness.locates.at(-1).row") == 32
    assert page.evaluate("harness.table.firstShown()") > 0


def test_a_bad_filter_shows_the_servers_sentence_and_a_good_one_counts_its_rows(page: Any) -> None:
    box = page.locator("[data-testid=table-filter]")
    box.fill("gg < 3")
    box.press("Enter")
    error = page.locator("[data-testid=table-filter-error]")
    error.wait_for()
    assert 'Unknown column "gg" at position 1.' in error.inner_text()
    assert page.locator("[data-testid=table-count]").inner_text() == "1,000,000 rows"

    box.fill("mag < 15")
    box.press("Enter")
    error.wait_for(state="detached")
    mags = [fake_value("mag", i) for i in range(ROWS)]
    expected = sum(1 for v in mags if isinstance(v, float) and v < 15)
    count = page.locator("[data-testid=table-count]")
    page.wait_for_function(
        "text => document.querySelector('[data-testid=table-count]').textContent.trim() === text",
        arg=f"{expected:,} of 1,000,000 rows",
    )
    assert count.inner_text() == f"{expected:,} of 1,000,000 rows"
    assert all(v is not None and v < 15 for v in column_values(page, "mag"))
    assert page.evaluate("harness.states.at(-1).state.filter") == "mag < 15"


def test_another_views_selection_is_lit_and_the_button_scrolls_to_its_first_row(page: Any) -> None:
    page.locator("[data-testid=table-head][data-column=mag]").click()
    page.wait_for_function("() => harness.store.requests.at(-1).sort === 'mag'")
    page.evaluate("harness.selectElsewhere([123456, 654321])")
    go = page.locator("[data-testid=table-go-selected]")
    go.click()
    target = page.locator(f"{ROW}[data-row='123456'], {ROW}[data-row='654321']").first
    target.wait_for()
    assert target.get_attribute("aria-selected") == "true"
    go.wait_for(state="detached")


def test_only_selected_shows_the_selected_rows_alone(page: Any) -> None:
    page.evaluate("harness.selectElsewhere([5, 500, 900000])")
    page.locator("[data-testid=table-only-selected]").check()
    page.wait_for_function(
        "() => document.querySelector('[data-testid=table-count]').textContent.trim() === '3 of 1,000,000 rows'"
    )
    assert shown_rows(page) == [5, 500, 900000]
    assert page.evaluate("harness.store.requests.at(-1).selection") == {"kind": "rows", "rows": [5, 500, 900000]}
    # Saved in the table's state, and a saved state brings it back.
    assert page.evaluate("harness.states.at(-1).state.only") is True
    page.evaluate("harness.table.state = {...harness.table.state, only: false}")
    page.wait_for_function(
        "() => document.querySelector('[data-testid=table-count]').textContent.trim() === '1,000,000 rows'"
    )
    assert not page.locator("[data-testid=table-only-selected]").is_checked()


def test_the_column_chooser_hides_a_column_but_a_click_still_locates(page: Any) -> None:
    page.locator("[data-testid=table-columns] summary").click()
    page.locator("[data-testid=table-columns] input[data-column=ra]").uncheck()
    page.locator("[data-testid=table-head][data-column=ra]").wait_for(state="detached")
    assert page.evaluate("harness.states.at(-1).state.columns") == ["dec", "g", "r", "mag", "flags", "name"]
    head = page.locator("[data-testid=table-head][data-column=dec]")
    assert "Declination" in (head.get_attribute("title") or "") and "pos.eq.dec" in (head.get_attribute("title") or "")
    assert "deg" in head.inner_text()
    page.locator("[data-testid=table-columns] summary").click()
    page.locator(f"{ROW}[data-position='4']").click()
    assert page.evaluate("harness.locates.at(-1).ra") == pytest.approx(fake_value("ra", 4))


def test_a_saved_state_comes_back_with_its_sort_and_scroll_position(page: Any) -> None:
    page.evaluate("harness.table.state = {source: 'fake', scroll: 250000}")
    page.locator(f"{ROW}[data-row='250000']").wait_for()
    assert shown_rows(page)[0] == 250000
    page.evaluate("harness.table.state = {source: 'fake', sort: 'mag', desc: true, scroll: 1000}")
    page.locator(f"{ROW}[data-position='1000'][data-row]:not([data-row=''])").wait_for()
    assert page.locator(ROW).first.get_attribute("data-position") == "1000"
    assert "▼" in page.locator("[data-testid=table-head][data-column=mag]").inner_text()
    # The bar agrees with the rows: a small wheel step moves on from there, not from elsewhere.
    box = scroller_box(page)
    page.mouse.move(box["x"] + 200, box["y"] + 200)
    page.mouse.wheel(0, 44)
    page.wait_for_function("() => harness.table.firstShown() !== 1000")
    assert 1000 < page.evaluate("harness.table.firstShown()") < 1010


def test_a_refused_sort_leaves_the_view_in_its_order_with_the_servers_sentence(page: Any) -> None:
    page.evaluate("harness.store.refuseNext = 'Sorting and filtering are not supported yet.'")
    page.locator("[data-testid=table-head][data-column=mag]").click()
    notice = page.locator("[data-testid=table-notice]")
    notice.wait_for()
    assert notice.inner_text() == "Sorting and filtering are not supported yet."
    # The view asks its old order again: its first page comes after the harness's delay.
    page.locator(f"{ROW}[data-position='0'][data-row='0']").wait_for()
    assert shown_rows(page)[:3] == [0, 1, 2]
    assert "▲" not in page.locator("[data-testid=table-head][data-column=mag]").inner_text()
    assert page.evaluate("harness.states.at(-1).state.sort") is None
