"""The job layer knows nothing of imaging, and no app imports the Celery tasks (dispatch names them)."""

from __future__ import annotations

import ast
from pathlib import Path

ROOT = Path(__file__).resolve().parents[3]


def imports(path: Path) -> set[str]:
    found: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(), str(path))):
        if isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module:
            found.add(node.module)
            found.update(f"{node.module}.{alias.name}" for alias in node.names)
    return found


def sources(*folders: str) -> list[Path]:
    return [p for folder in folders for p in (ROOT / folder).rglob("*.py") if "tests" not in p.parts]


def test_the_job_layer_imports_nothing_from_imaging():
    # The daily `toyz_cleanup` command also evicts the pyramid cache; it is a command, not the job layer.
    layer = [p for p in sources("apps/jobs") if "management" not in p.parts] + [ROOT / "apps/events.py"]
    assert len(layer) > 5
    for path in layer:
        bad = {name for name in imports(path) if name.startswith(("apps.imaging", "workers.imaging"))}
        assert not bad, f"{path.relative_to(ROOT)} imports {sorted(bad)}"


def test_no_app_imports_the_celery_tasks():
    for path in sources("apps"):
        bad = {name for name in imports(path) if name.startswith(("workers.tasks", "toyz_site"))}
        assert not bad, f"{path.relative_to(ROOT)} imports {sorted(bad)}"


def test_the_check_sees_an_import_where_there_is_one():
    assert "apps.imaging.services" in imports(ROOT / "apps/imaging/jobs.py")
