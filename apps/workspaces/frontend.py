"""The built front end's entry files, read from Vite's manifest."""

from __future__ import annotations

import json
from functools import lru_cache
from typing import TypedDict

from django.conf import settings
from django.templatetags.static import static

ENTRY = "src/main.ts"


class Assets(TypedDict):
    scripts: list[str]
    styles: list[str]
    missing: bool


@lru_cache(maxsize=1)
def _read_manifest(mtime: float) -> dict[str, dict[str, object]]:
    path = settings.TOYZ_FRONTEND_DIST / ".vite" / "manifest.json"
    data: dict[str, dict[str, object]] = json.loads(path.read_text())
    return data


def frontend_assets() -> Assets:
    """URLs of the entry script and its CSS; `missing` when the front end was not built."""
    path = settings.TOYZ_FRONTEND_DIST / ".vite" / "manifest.json"
    if not path.exists():
        return Assets(scripts=[], styles=[], missing=True)
    entry = _read_manifest(path.stat().st_mtime).get(ENTRY, {})
    file = entry.get("file")
    css = entry.get("css", [])
    scripts = [static(file)] if isinstance(file, str) else []
    styles = [static(c) for c in css if isinstance(c, str)] if isinstance(css, list) else []
    return Assets(scripts=scripts, styles=styles, missing=not scripts)
