"""A loopback HTTP server for harness pages: generated pages, the harness's runtime bundle at
site_libs/quarto-ojs/ (where Quarto puts its own), and the project's files, restricted to what
Quarto would have copied into _site for the deck (anything else is a 404, as on the real site)."""

from __future__ import annotations

import mimetypes
import os
import posixpath
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import unquote, urlsplit

from .page import RUNTIME_DIR

TYPES = {".js": "text/javascript", ".mjs": "text/javascript", ".css": "text/css", ".html": "text/html",
         ".json": "application/json", ".arrow": "application/vnd.apache.arrow.file", ".woff2": "font/woff2",
         ".woff": "font/woff", ".ttf": "font/ttf", ".svg": "image/svg+xml", ".png": "image/png"}


class Mount:
    """A URL prefix served from a folder, optionally restricted to a set of relative paths."""

    def __init__(self, prefix: str, folder: Path, allowed: set[str] | None = None):
        self.prefix = prefix.rstrip("/") + "/"
        self.folder = Path(os.path.abspath(folder))
        self.allowed = allowed

    def lookup(self, path: str) -> tuple[Path | None, str | None]:
        if not path.startswith(self.prefix) and path + "/" != self.prefix:
            return None, None
        rel = path[len(self.prefix):]
        target = Path(os.path.normpath(self.folder / rel))  # symlinks inside the folder are served
        if not target.is_relative_to(self.folder) or not target.is_file():
            return None, "no such file"
        if self.allowed is not None and rel not in self.allowed:
            return None, "not copied into _site by quarto render (not imported statically, not a literal FileAttachment beside the document, not under project resources)"
        return target, None


class HarnessServer:
    def __init__(self):
        self.pages: dict[str, bytes] = {}
        self.mounts: list[Mount] = []
        self.bytes_served = 0
        self.log: list[tuple[str, int, int]] = []  # (path, status, bytes)
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

    def add_page(self, path: str, text: str):
        self.pages[path] = text.encode("utf-8")

    def mount(self, prefix: str, folder: Path, allowed: set[str] | None = None):
        # Longest prefix first.
        self.mounts.append(Mount(prefix, folder, allowed))
        self.mounts.sort(key=lambda m: -len(m.prefix))

    def reset_log(self):
        with self.lock:
            self.bytes_served = 0
            self.log = []

    def _handle(self, request: BaseHTTPRequestHandler, head: bool = False):
        raw = unquote(urlsplit(request.path).path)
        # Collapse "//" and "..": browsers send what Quarto's paths produce, e.g. "../..//x.js".
        path = posixpath.normpath("/" + raw.lstrip("/"))
        if raw.endswith("/") and not path.endswith("/"):
            path += "/"
        body, status, reason, ctype = None, 404, "not found", "text/plain"
        if path in self.pages:
            body, status, ctype = self.pages[path], 200, "text/html; charset=utf-8"
        else:
            for mount in self.mounts:
                target, why = mount.lookup(path)
                if target is not None:
                    body, status = target.read_bytes(), 200
                    ctype = TYPES.get(target.suffix) or mimetypes.guess_type(target.name)[0] or "application/octet-stream"
                    break
                if why is not None:
                    reason = why
                    break
        if body is None:
            body = f"404 {path}: {reason}".encode()
        request.send_response(status)
        request.send_header("Content-Type", ctype)
        request.send_header("Content-Length", str(len(body)))
        request.send_header("Cache-Control", "no-store")
        if status != 200:
            request.send_header("X-Harness-Reason", reason[:200])
        request.end_headers()
        if not head:
            request.wfile.write(body)
        with self.lock:
            self.bytes_served += len(body)
            self.log.append((path, status, len(body)))

    def close(self):
        self.httpd.shutdown()
        self.httpd.server_close()


def runtime_prefix() -> str:
    return "/" + RUNTIME_DIR
