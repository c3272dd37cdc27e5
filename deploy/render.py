"""Render the nginx configuration (deploy/nginx.conf and every deploy/nginx.d/*.conf) for one installation.

The committed files are templates that systemd deploys, the compose file and ``make run-production`` all
use: ``${NAME}`` (upper-case letters, digits and ``_``) is a variable of this renderer, replaced by its
value; nginx's own variables (``$remote_addr``, lower case) are left alone. A line that starts with
``#if:NAME`` is kept (without that prefix) only when NAME is set and not empty, one that starts with
``#unless:NAME`` only when it is empty: that is how one file holds both the TLS server of a real
deployment and the plain HTTP one of a local run. A variable that a template names and nobody set is an
error, never an empty string.

Values come from the environment (every variable of it, so that a file under nginx.d/ may name one of
its own) over the defaults below (:data:`VARIABLES` says what each one means)::

    python -m deploy.render --out var/production/nginx
    nginx -t -p var/production -e var/production/log/nginx-error.log -c "$PWD/var/production/nginx/nginx.conf"
"""

from __future__ import annotations

import argparse
import os
import pwd
import re
import sys
from collections.abc import Mapping
from pathlib import Path
from typing import Final

DEPLOY: Final = Path(__file__).resolve().parent
ROOT: Final = DEPLOY.parent
TEMPLATE: Final = DEPLOY / "nginx.conf"
SNIPPETS: Final = DEPLOY / "nginx.d"

#: The renderer's variables, with what each one means (deploy/README.md lists them with their defaults).
VARIABLES: Final[dict[str, str]] = {
    "TOYZ_NGINX_DIR": "where the rendered nginx.conf and nginx.d/ go (the --out folder)",
    "TOYZ_VAR_DIR": "Toyz's var folder (as in the settings); the defaults below lie inside it",
    "TOYZ_CACHE_DIR": "the pyramid cache; nginx's internal location sends tile files from it",
    "TOYZ_STATIC_ROOT": "collectstatic's output (the pages' files and the built front end), served at /static/",
    "TOYZ_RUN_DIR": "nginx's pid file and temporary files, and the web processes' unix socket",
    "TOYZ_LOG_DIR": "nginx's access and error logs",
    "TOYZ_NGINX_TILE_LOG": "nginx's log of the tiles it answers itself, which /metrics reads (TOYZ_LOG_DIR/nginx-tiles.log)",
    "TOYZ_HOST": "the address of the plain HTTP listener",
    "TOYZ_PORT": "the port of the plain HTTP listener",
    "TOYZ_NGINX_LISTEN": "the plain HTTP listener (TOYZ_HOST:TOYZ_PORT); with TLS it only redirects to https",
    "TOYZ_SERVER_NAME": "the public host name(s) (nginx's server_name)",
    "TOYZ_TLS_CERT": "the certificate chain (PEM); set: the site is served over TLS on TOYZ_TLS_LISTEN",
    "TOYZ_TLS_KEY": "the certificate's private key (PEM)",
    "TOYZ_TLS_LISTEN": "the TLS listener",
    "TOYZ_WEB_UPSTREAM": "where the web processes listen (nginx's upstream server: unix:/path or host:port)",
    "TOYZ_NGINX_USER": "the user nginx's worker processes run as when its master runs as root (empty: no user line)",
    "TOYZ_NGINX_WORKERS": "nginx's worker processes",
    "TOYZ_NGINX_MIME_TYPES": "nginx's table of media types by file extension",
    "TOYZ_UPLOAD_MAX_MB": "the largest upload, as in the settings",
}

#: Variables whose empty value means "off" (an empty path or port would be a mistake: it takes the default).
_MAY_BE_EMPTY: Final = frozenset({"TOYZ_TLS_CERT", "TOYZ_TLS_KEY", "TOYZ_NGINX_USER"})
_NAME: Final = re.compile(r"\$\{([A-Z][A-Z0-9_]*)\}")
_CONDITION: Final = re.compile(r"^#(if|unless):([A-Z][A-Z0-9_]*) ?")


class RenderError(Exception):
    """A template names a variable nobody set, or a value would break the configuration."""


def _default_nginx_user() -> str:
    # A master running as root starts its workers as `nobody` unless told otherwise; they must read
    # the cache and the static files, so they run as whoever renders (and owns those folders).
    return pwd.getpwuid(os.geteuid()).pw_name if os.geteuid() == 0 else ""


def values_from(environ: Mapping[str, str], out: Path) -> dict[str, str]:
    """The variables for rendering into ``out``: the environment's over the defaults."""
    given = {name: value for name, value in environ.items() if value.strip() or name in _MAY_BE_EMPTY}
    var = Path(given.get("TOYZ_VAR_DIR") or ROOT / "var").absolute()
    run = Path(given.get("TOYZ_RUN_DIR") or var / "production" / "run").absolute()
    host = given.get("TOYZ_HOST") or "127.0.0.1"
    port = given.get("TOYZ_PORT") or "8080"
    values = {
        "TOYZ_NGINX_DIR": str(out.absolute()),
        "TOYZ_VAR_DIR": str(var),
        "TOYZ_CACHE_DIR": str(var / "cache"),
        "TOYZ_STATIC_ROOT": str(var / "static"),
        "TOYZ_RUN_DIR": str(run),
        "TOYZ_LOG_DIR": str(var / "production" / "log"),
        "TOYZ_HOST": host,
        "TOYZ_PORT": port,
        "TOYZ_NGINX_LISTEN": f"{host}:{port}",
        "TOYZ_SERVER_NAME": "_",
        "TOYZ_TLS_CERT": "",
        "TOYZ_TLS_KEY": "",
        "TOYZ_TLS_LISTEN": "443",
        "TOYZ_WEB_UPSTREAM": f"unix:{run / 'web.sock'}",
        "TOYZ_NGINX_USER": _default_nginx_user(),
        "TOYZ_NGINX_WORKERS": "auto",
        "TOYZ_NGINX_MIME_TYPES": "/etc/nginx/mime.types",
        "TOYZ_UPLOAD_MAX_MB": "2048",
    }
    values.update({name: value for name, value in given.items() if name != "TOYZ_NGINX_DIR"})
    for name in ("TOYZ_CACHE_DIR", "TOYZ_STATIC_ROOT", "TOYZ_RUN_DIR", "TOYZ_LOG_DIR"):
        values[name] = str(Path(values[name]).absolute()).rstrip("/") or "/"
    values["TOYZ_NGINX_TILE_LOG"] = str(
        Path(given.get("TOYZ_NGINX_TILE_LOG") or Path(values["TOYZ_LOG_DIR"]) / "nginx-tiles.log").absolute()
    )
    if values["TOYZ_TLS_CERT"] and not values["TOYZ_TLS_KEY"]:
        raise RenderError("TOYZ_TLS_CERT is set but TOYZ_TLS_KEY is not: nginx needs both.")
    return values


def render_text(text: str, values: Mapping[str, str], *, source: str = "template") -> str:
    """Substitute ``values`` into ``text`` and keep the ``#if:`` / ``#unless:`` lines that apply.

    Raises
    ------
    RenderError
        The text names a variable missing from ``values``, or a value holds a character that would
        end an nginx directive (``;``, ``{``, ``}``, a newline) where one value must stay one token list.
    """
    lines = []
    for number, line in enumerate(text.splitlines(keepends=True), start=1):
        condition = _CONDITION.match(line)
        if condition:
            wanted, name = condition.groups()
            if name not in values:
                raise RenderError(f"{source}:{number}: #{wanted}:{name} names a variable nobody set.")
            if bool(values[name]) != (wanted == "if"):
                continue
            line = line[condition.end() :]

        def substitute(match: re.Match[str], number: int = number) -> str:
            name = match.group(1)
            if name not in values:
                raise RenderError(f"{source}:{number}: ${{{name}}} is not set (see deploy/README.md).")
            value = values[name]
            if any(c in value for c in ";{}\n\r"):
                raise RenderError(f"{name}={value!r}: a value may not hold ; {{ }} or a line break.")
            return value

        lines.append(_NAME.sub(substitute, line))
    return "".join(lines)


def render(out: Path, environ: Mapping[str, str] | None = None) -> Path:
    """Render nginx.conf and nginx.d/*.conf into ``out`` (created); return the path of nginx.conf.

    Files of nginx.d/ that no longer have a template are removed, so a rendered folder holds exactly
    what the templates say.
    """
    out = out.absolute()
    values = values_from(os.environ if environ is None else environ, out)
    (out / "nginx.d").mkdir(parents=True, exist_ok=True)
    templates = sorted(SNIPPETS.glob("*.conf")) if SNIPPETS.is_dir() else []
    for stale in (out / "nginx.d").glob("*.conf"):
        if not (SNIPPETS / stale.name).is_file():
            stale.unlink()
    for template in templates:
        text = render_text(template.read_text(), values, source=f"deploy/nginx.d/{template.name}")
        _write_private(out / "nginx.d" / template.name, text)
    conf = out / "nginx.conf"
    _write_private(conf, render_text(TEMPLATE.read_text(), values, source="deploy/nginx.conf"))
    return conf


def _write_private(path: Path, text: str) -> None:
    """Write a rendered file readable by its owner only (mode 600): nginx.d/signed-tiles.conf holds the
    tile signing key, and nginx's master reads its configuration as the user that starts it."""
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    os.fchmod(fd, 0o600)  # a file rendered before keeps its mode otherwise
    with os.fdopen(fd, "w") as out:
        out.write(text)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0] if __doc__ else None)
    parser.add_argument("--out", type=Path, required=True, help="the folder to render into (TOYZ_NGINX_DIR)")
    args = parser.parse_args(argv)
    try:
        print(render(args.out))
    except RenderError as exc:
        print(f"deploy/render.py: {exc}", file=sys.stderr)
        return 2
    return 0


if __name__ == "__main__":
    sys.exit(main())
