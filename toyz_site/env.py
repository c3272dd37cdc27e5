"""Small typed parsers for TOYZ_* environment variables: a bad value stops start-up with a clear message."""

from __future__ import annotations

import ipaddress
import os
import re
from pathlib import Path

from django.core.exceptions import ImproperlyConfigured

_TRUE = {"1", "true", "yes", "on"}
_FALSE = {"0", "false", "no", "off", ""}


def env_optional(name: str) -> str | None:
    value = os.environ.get(name, "").strip()
    return value or None


def env_token(name: str, *, minimum_length: int) -> str | None:
    """A secret of letters, digits, ``-`` and ``_`` (safe to write into a configuration file as it is)."""
    value = env_optional(name)
    if value is not None and not re.fullmatch(rf"[A-Za-z0-9_-]{{{minimum_length},}}", value):
        raise ImproperlyConfigured(
            f"{name} must be at least {minimum_length} letters, digits, '-' or '_' (e.g. `openssl rand -hex 32`)."
        )
    return value


def env_bool(name: str, default: bool = False) -> bool:
    raw = os.environ.get(name)
    if raw is None:
        return default
    value = raw.strip().lower()
    if value in _TRUE:
        return True
    if value in _FALSE:
        return False
    raise ImproperlyConfigured(f"{name}={raw!r} is not a boolean; use 1/0, true/false, yes/no or on/off.")


def env_int(name: str, default: int, *, minimum: int | None = None, maximum: int | None = None) -> int:
    raw = os.environ.get(name)
    if raw is None or not raw.strip():
        return default
    try:
        value = int(raw.strip())
    except ValueError:
        raise ImproperlyConfigured(f"{name}={raw!r} is not an integer.") from None
    if (minimum is not None and value < minimum) or (maximum is not None and value > maximum):
        raise ImproperlyConfigured(f"{name}={value} is outside [{minimum}, {maximum}].")
    return value


def env_choice(name: str, default: str, choices: tuple[str, ...]) -> str:
    value = os.environ.get(name, default).strip().upper() or default
    if value not in choices:
        raise ImproperlyConfigured(f"{name}={value!r} is not one of {', '.join(choices)}.")
    return value


def env_list(name: str, default: list[str]) -> list[str]:
    raw = os.environ.get(name)
    if raw is None:
        return list(default)
    return [item.strip() for item in raw.split(",") if item.strip()]


def env_path(name: str, default: Path) -> Path:
    raw = os.environ.get(name, "").strip()
    path = Path(raw).expanduser() if raw else default
    if not path.is_absolute():
        path = Path.cwd() / path
    if path.exists() and not path.is_dir():
        raise ImproperlyConfigured(f"{name}={str(path)!r} exists and is not a folder.")
    return path


def env_networks(name: str, default: list[str]) -> list[ipaddress.IPv4Network | ipaddress.IPv6Network]:
    """A comma-separated list of addresses or CIDR blocks (``10.0.0.0/8, ::1``)."""
    networks = []
    for item in env_list(name, default):
        try:
            networks.append(ipaddress.ip_network(item, strict=False))
        except ValueError:
            raise ImproperlyConfigured(f"{name}: {item!r} is not an IP address or CIDR block.") from None
    return networks


def env_url_prefix(name: str) -> str | None:
    """An absolute URL path ending in ``/`` (e.g. ``/_toyz_cache/``), or None when unset or empty."""
    value = env_optional(name)
    if value is None:
        return None
    if not (value.startswith("/") and value.endswith("/")) or any(c in value for c in "?#%\\ ") or "//" in value:
        raise ImproperlyConfigured(f"{name}={value!r} is not a URL path like /_toyz_cache/ (a / at each end).")
    return value
