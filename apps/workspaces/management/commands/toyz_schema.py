"""Write the schemas the front end's TypeScript types are generated from (`make types`).

``openapi.json`` is the REST API's OpenAPI schema (django-ninja's own export); ``socket.json`` is
`apps.workspaces.messages.socket_schema`. Both are written with sorted keys, an indent of 2 and a
trailing newline, so that the same server gives the same bytes (`make types-check` compares them).
"""

from __future__ import annotations

import io
import json
from pathlib import Path
from typing import Any

from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandParser

from apps.workspaces.messages import socket_schema

#: The project's NinjaAPI, named rather than imported: apps import nothing from toyz_site.
API = "toyz_site.api.api"


def dumps(schema: Any) -> str:
    """A schema as the committed files hold it."""
    return json.dumps(schema, indent=2, sort_keys=True, ensure_ascii=False) + "\n"


def openapi_schema() -> Any:
    """The REST API's OpenAPI schema, as django-ninja's `export_openapi_schema` prints it."""
    out = io.StringIO()
    call_command("export_openapi_schema", api=API, stdout=out)
    return json.loads(out.getvalue())


class Command(BaseCommand):
    help = "Write the OpenAPI schema (openapi.json) and the socket messages' JSON Schema (socket.json)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--out", type=Path, default=Path("frontend/schema"), help="The folder to write into.")

    def handle(self, *args: Any, **options: Any) -> None:
        out: Path = options["out"]
        out.mkdir(parents=True, exist_ok=True)
        for name, schema in (("openapi.json", openapi_schema()), ("socket.json", socket_schema())):
            (out / name).write_text(dumps(schema), encoding="utf-8")
            self.stdout.write(f"Wrote {out / name}")
