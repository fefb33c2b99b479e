"""A loopback HTTP server for a rendered site: serves one folder (a `_site/` made by `quarto
render`) exactly as it is, and counts what it served (the cold-load bytes of a page)."""

from __future__ import annotations

import mimetypes
import os
import posixpath
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import unquote, urlsplit

TYPES = {".js": "text/javascript", ".mjs": "text/javascript", ".css": "text/css", ".html": "text/html",
         ".json": "application/json", ".arrow": "application/vnd.apache.arrow.file", ".woff2": "font/woff2",
         ".woff": "font/woff", ".ttf": "font/ttf", ".svg": "image/svg+xml", ".png": "image/png"}


class SiteServer:
    def __init__(self, root: Path | None = None):
        self.root = Path(os.path.abspath(root)) if root else None
        self.bytes_served = 0
        self.log: list[tuple[str, int, int]] = []  # (path, status, bytes)
        self.failures: list[tuple[str, int]] = []  # (path, status >= 400) not yet taken (take_failures)
        # A script put first into every HTML page's <head>: the error collector of an engine with no
        # event stream (engines.WebKitEngine). None (Chromium, Firefox): every file as it is.
        self.head_script: str | None = None
        self.lock = threading.Lock()
        server = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def log_message(self, *args):  # quiet
                pass

            def do_GET(self):
                server._handle(self)

            def do_HEAD(self):
                server._handle(self, head=True)

        self.httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.httpd.daemon_threads = True
        self.thread = threading.Thread(target=self.httpd.serve_forever, daemon=True)
        self.thread.start()

    @property
    def origin(self) -> str:
        return f"http://127.0.0.1:{self.httpd.server_address[1]}"

    def serve(self, root: Path):
        """Serve another site from now on."""
        self.root = Path(os.path.abspath(root))

    def url(self, rel: str) -> str:
        return f"{self.origin}/{rel.lstrip('/')}"

    def reset_log(self):
        with self.lock:
            self.bytes_served = 0
            self.log = []
            self.failures = []

    def _lookup(self, path: str) -> Path | None:
        if self.root is None:
            return None
        target = Path(os.path.normpath(self.root / path.lstrip("/")))
        if target.is_dir():
            target = target / "index.html"
        return target if target.is_relative_to(self.root) and target.is_file() else None

    def _handle(self, request: BaseHTTPRequestHandler, head: bool = False):
        # Collapse "//" and "..": browsers send what Quarto's paths produce, e.g. "../..//x.js".
        path = posixpath.normpath("/" + unquote(urlsplit(request.path).path).lstrip("/"))
        target = self._lookup(path)
        if target is None:
            body, status, ctype = f"404 {path}: not in the rendered site".encode(), 404, "text/plain"
        else:
            body, status = target.read_bytes(), 200
            ctype = TYPES.get(target.suffix) or mimetypes.guess_type(target.name)[0] or "application/octet-stream"
            if self.head_script and target.suffix == ".html":
                body = body.replace(b"<head>", b"<head>" + self.head_script.encode(), 1)
        request.send_response(status)
        request.send_header("Content-Type", ctype)
        request.send_header("Content-Length", str(len(body)))
        request.send_header("Cache-Control", "no-store")
        request.end_headers()
        if not head:
            request.wfile.write(body)
        with self.lock:
            self.bytes_served += len(body)
            self.log.append((path, status, len(body)))
            if status >= 400:
                self.failures.append((path, status))

    def take_failures(self) -> list[tuple[str, int]]:
        with self.lock:
            failures, self.failures = self.failures, []
        return failures

    def close(self):
        self.httpd.shutdown()
        self.httpd.server_close()
