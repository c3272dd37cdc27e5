"""The plots' test page (frontend/plots-harness.html) built with Vite and served as the site would.

Shared by tests/test_browser_plots.py and benchmarks/plots_browser.py. The page draws <toyz-plot>
tiles over a generated source held in the page (a fake SourceStore), so the plots are tested without
the data-source endpoints. The server sends the site's own Content-Security-Policy with every answer,
and answers ``/api/imaging/colormap`` from the same core function as the real endpoint.
"""

from __future__ import annotations

import json
import mimetypes
import subprocess
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, urlparse

from tests.conftest import CHROMIUM_ARGS, ROOT

__all__ = ["CHROMIUM_ARGS", "build", "serve", "site_csp"]

FRONTEND = ROOT / "frontend"


def site_csp() -> str:
    """The Content-Security-Policy header of the site's pages (toyz_site/settings.py)."""
    from toyz_site.settings import CONTENT_SECURITY_POLICY

    directives: dict[str, list[str]] = CONTENT_SECURITY_POLICY["DIRECTIVES"]
    return "; ".join(f"{name} {' '.join(values)}" for name, values in directives.items())


def build(out: Path) -> Path:
    """Build the harness into ``out`` (Vite, about a second) and return it."""
    subprocess.run(
        ["npx", "vite", "build", "--config", "vite.harness.config.ts", "--outDir", str(out), "--emptyOutDir",
         "--logLevel", "warn"],
        cwd=FRONTEND, check=True,
    )  # fmt: skip
    return out


def _handler(dist: Path, csp: str) -> type[BaseHTTPRequestHandler]:
    from workers.errors import ToyzError
    from workers.imaging import palette

    class Handler(BaseHTTPRequestHandler):
        def log_message(self, format: str, *args: Any) -> None:
            return

        def send(self, status: int, body: bytes, content_type: str) -> None:
            self.send_response(status)
            self.send_header("Content-Type", content_type)
            self.send_header("Content-Length", str(len(body)))
            self.send_header("Content-Security-Policy", csp)
            self.end_headers()
            self.wfile.write(body)

        def do_GET(self) -> None:
            url = urlparse(self.path)
            if url.path == "/api/imaging/colormap":
                query = parse_qs(url.query)
                name = query.get("name", ["gray"])[0]
                try:
                    table = palette(name, query.get("inv", ["0"])[0] == "1")
                except ToyzError as error:
                    body = {"error": {"code": error.code, "message": error.message}}
                    return self.send(400, json.dumps(body).encode(), "application/json")
                answer = {"name": name, "colors": table[:255, :3].tolist()}
                return self.send(200, json.dumps(answer).encode(), "application/json")
            path = (dist / url.path.lstrip("/")).resolve()
            if url.path == "/" or not path.is_relative_to(dist.resolve()) or not path.is_file():
                return self.send(404, b"not found", "text/plain")
            content_type = mimetypes.guess_type(path.name)[0] or "application/octet-stream"
            self.send(200, path.read_bytes(), content_type)

    return Handler


@contextmanager
def serve(dist: Path) -> Iterator[str]:
    """Serve the built harness on a free local port; yields the base URL."""
    server = ThreadingHTTPServer(("127.0.0.1", 0), _handler(dist, site_csp()))
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}"
    finally:
        server.shutdown()
        server.server_close()
