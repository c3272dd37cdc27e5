"""Layer rules that import-linter's contracts (pyproject.toml, `lint-imports` in `make lint`) cannot say:
an app reaches another only through its `services` module, and no two modules import each other,
however indirectly. Imports inside functions count: a lazy import is still a dependency."""

from __future__ import annotations

import sys
import textwrap
from collections.abc import Iterable
from pathlib import Path

import grimp
import pytest

ROOT = Path(__file__).resolve().parents[1]
PACKAGES = ("apps", "workers", "toyz_site")


def _is_test_or_migration(module: str) -> bool:
    parts = module.split(".")
    return "tests" in parts or "migrations" in parts


def _app(module: str) -> str | None:
    """The app a module belongs to (``apps.files.resolver`` → ``files``); None for shared modules like ``apps.http``."""
    parts = module.split(".")
    return parts[1] if parts[0] == "apps" and len(parts) > 2 else None


def cross_app_imports(graph: grimp.ImportGraph) -> list[tuple[str, str]]:
    """Imports from one app into another app's internals (anything but its ``services`` module)."""
    found = []
    for importer in sorted(graph.modules):
        if _is_test_or_migration(importer) or not importer.startswith("apps."):
            continue
        for imported in sorted(graph.find_modules_directly_imported_by(importer)):
            app = _app(imported)
            if app is None or app == _app(importer) or _is_test_or_migration(imported):
                continue
            if imported != f"apps.{app}.services":
                found.append((importer, imported))
    return found


def import_cycles(graph: grimp.ImportGraph, modules: Iterable[str]) -> list[list[str]]:
    """The strongly connected groups of more than one module (Tarjan's algorithm, iteratively)."""
    members = {m for m in modules if not _is_test_or_migration(m)}
    edges = {m: sorted(graph.find_modules_directly_imported_by(m) & members) for m in members}
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    cycles: list[list[str]] = []
    for start in sorted(members):
        if start in index:
            continue
        work = [(start, 0)]
        while work:
            node, child = work.pop()
            if child == 0:
                index[node] = low[node] = len(index)
                stack.append(node)
                on_stack.add(node)
            if child < len(edges[node]):
                work.append((node, child + 1))
                nxt = edges[node][child]
                if nxt not in index:
                    work.append((nxt, 0))
                elif nxt in on_stack:
                    low[node] = min(low[node], index[nxt])
                continue
            if low[node] == index[node]:
                group = []
                while True:
                    member = stack.pop()
                    on_stack.discard(member)
                    group.append(member)
                    if member == node:
                        break
                if len(group) > 1:
                    cycles.append(sorted(group))
            if work:
                parent = work[-1][0]
                low[parent] = min(low[parent], low[node])
    return cycles


@pytest.fixture(scope="module")
def graph() -> grimp.ImportGraph:
    return grimp.build_graph(*PACKAGES, exclude_type_checking_imports=True)


def test_apps_reach_each_other_only_through_services(graph):
    assert cross_app_imports(graph) == []


def test_no_module_imports_itself_through_others(graph):
    assert import_cycles(graph, graph.modules) == []


def test_the_checks_see_a_cycle_and_a_reach_into_another_apps_internals(tmp_path, monkeypatch):
    # A throwaway project with both faults, so that the two checks above cannot pass by seeing nothing.
    files = {
        "apps/__init__.py": "",
        "apps/one/__init__.py": "",
        "apps/one/services.py": "from apps.two import services\n",
        "apps/one/views.py": "def f():\n    from apps.two.models import Thing\n",
        "apps/two/__init__.py": "",
        "apps/two/services.py": "from apps.one import services\n",
        "apps/two/models.py": "Thing = 1\n",
        "apps/two/tests/__init__.py": "",
        "apps/two/tests/test_x.py": "from apps.one.views import f\n",
    }
    for name, text in files.items():
        (tmp_path / name).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / name).write_text(textwrap.dedent(text))
    monkeypatch.syspath_prepend(str(tmp_path))
    for name in [m for m in sys.modules if m == "apps" or m.startswith("apps.")]:
        monkeypatch.delitem(sys.modules, name)
    fake = grimp.build_graph("apps", cache_dir=None)
    assert cross_app_imports(fake) == [("apps.one.views", "apps.two.models")]
    assert import_cycles(fake, fake.modules) == [["apps.one.services", "apps.two.services"]]
