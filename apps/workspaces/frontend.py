"""The built front end's entry files, read from Vite's manifest."""

from __future__ import annotations

import json
from functools import lru_cache
from typing import TypedDict

from django.conf import settings
from django.templatetags.static import static

ENTRY = "src/main.ts"
#: The workspace list page's own, smaller entry (its actions and the share dialog).
LIST_ENTRY = "src/workspace-list.ts"


class Assets(TypedDict):
    scripts: list[str]
    styles: list[str]
    missing: bool


@lru_cache(maxsize=1)
def _read_manifest(mtime: float) -> dict[str, dict[str, object]]:
    path = settings.TOYZ_FRONTEND_DIST / ".vite" / "manifest.json"
    data: dict[str, dict[str, object]] = json.loads(path.read_text())
    return data


def frontend_assets(entry_name: str = ENTRY) -> Assets:
    """URLs of an entry's script and its CSS; `missing` when the front end was not built."""
    path = settings.TOYZ_FRONTEND_DIST / ".vite" / "manifest.json"
    if not path.exists():
        return Assets(scripts=[], styles=[], missing=True)
    manifest = _read_manifest(path.stat().st_mtime)
    entry = manifest.get(entry_name, {})
    file = entry.get("file")
    scripts = [static(file)] if isinstance(file, str) else []
    styles = [static(css) for css in dict.fromkeys(_styles(manifest, entry_name, set()))]
    return Assets(scripts=scripts, styles=styles, missing=not scripts)


def _styles(manifest: dict[str, dict[str, object]], name: str, seen: set[str]) -> list[str]:
    """The CSS of a chunk and of the chunks it imports (two entries share some: the share dialog's)."""
    if name in seen:
        return []
    seen.add(name)
    chunk = manifest.get(name, {})
    imports, css = chunk.get("imports", []), chunk.get("css", [])
    found = [c for c in imports if isinstance(c, str)] if isinstance(imports, list) else []
    own = [c for c in css if isinstance(c, str)] if isinstance(css, list) else []
    return [style for imported in found for style in _styles(manifest, imported, seen) if style not in own] + own
