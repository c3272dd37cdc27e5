"""`manage.py check` on the module settings: a misspelt TOYZ_OPEN_MODULES name would silently open nothing."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from django.apps import AppConfig
from django.conf import settings
from django.core.checks import CheckMessage, Error, Warning, register

from apps.jobs import modules, registry


@register()
def open_modules_check(
    *, app_configs: Sequence[AppConfig] | None, databases: Sequence[str] | None, **kwargs: Any
) -> list[CheckMessage]:
    found: list[CheckMessage] = []
    known = registry.module_catalogue()
    for name in settings.TOYZ_OPEN_MODULES:
        if not modules.is_module_name(name):
            found.append(
                Error(
                    f"TOYZ_OPEN_MODULES names {name!r}, which is no module name.",
                    hint="Module names are lower-case letters, digits, _ and -, such as files or imaging.",
                    id="jobs.E001",
                )
            )
        elif name not in known:
            found.append(
                Warning(
                    f"TOYZ_OPEN_MODULES names {name!r}, but no installed job function belongs to it.",
                    hint=f"The installed modules are: {', '.join(sorted(known)) or 'none'}.",
                    id="jobs.W001",
                )
            )
    return found
