"""Serves the rendered site on 127.0.0.1 as a static host serves it: text compressed with gzip
(when the browser accepts it), the usual content types, a 404 for what is not in the site.

    python3 scripts/serve_site.py                 # _site/ on http://127.0.0.1:8000/
    python3 scripts/serve_site.py --site DIR --port 0

GitHub Pages (where the workflow publishes) and `npx serve` compress text the same way;
`python3 -m http.server` does not, and a phone then downloads every script whole.
bench/bench_lighthouse.py and tests/test_site_chrome.py serve the site with it.
"""

from __future__ import annotations

import argparse
import gzip
import mimetypes
import os
import posixpath
import sys
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import unquote, urlsplit

TYPES = {".html": "text/html; charset=utf-8", ".js": "text/javascript; charset=utf-8",
         ".mjs": "text/javascript; charset=utf-8", ".css": "text/css; charset=utf-8",
         ".json": "application/json", ".map": "application/json", ".svg": "image/svg+xml",
         ".ico": "image/x-icon", ".png": "image/png", ".woff2": "font/woff2", ".woff": "font/woff",
         ".ttf": "font/ttf", ".arrow": "application/vnd.apache.arrow.file", ".txt": "text/plain; charset=utf-8",
         ".md": "text/markdown; charset=utf-8", ".ipynb": "application/x-ipynb+json", ".xml": "application/xml"}
# What a static host compresses: text. Fonts (woff2 is compressed already), images and the Arrow
# files go as they are, as they do on GitHub Pages.
COMPRESSED = {".html", ".js", ".mjs", ".css", ".json", ".map", ".svg", ".txt", ".md", ".ipynb", ".xml", ".ttf"}


class CompressingSiteServer:
    """A threaded server of one folder on 127.0.0.1 (port 0: a free one), gzip for text."""

    def __init__(self, root: Path, port: int = 0):
        self.root = Path(os.path.abspath(root))
        self.served: list[tuple[str, int]] = []  # (path, status), in order
        self._cache: dict[Path, tuple[float, bytes]] = {}
        self._lock = threading.Lock()
        server = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def log_message(self, *args):
                pass

            def do_GET(self):
                server._handle(self)

            def do_HEAD(self):
                server._handle(self, head=True)

        self.httpd = ThreadingHTTPServer(("127.0.0.1", port), Handler)
        self.httpd.daemon_threads = True
        self.thread = threading.Thread(target=self.httpd.serve_forever, daemon=True)
        self.thread.start()

    @property
    def origin(self) -> str:
        return f"http://127.0.0.1:{self.httpd.server_address[1]}"

    def url(self, rel: str) -> str:
        return f"{self.origin}/{rel.lstrip('/')}"

    def close(self):
        self.httpd.shutdown()
        self.httpd.server_close()

    def not_found(self) -> list[str]:
        with self._lock:
            return [path for path, status in self.served if status == 404]

    def _lookup(self, path: str) -> Path | None:
        target = Path(os.path.normpath(self.root / path.lstrip("/")))
        if target.is_dir():
            target = target / "index.html"
        return target if target.is_relative_to(self.root) and target.is_file() else None

    def _gzipped(self, target: Path, body: bytes) -> bytes:
        mtime = target.stat().st_mtime
        with self._lock:
            cached = self._cache.get(target)
        if cached and cached[0] == mtime:
            return cached[1]
        packed = gzip.compress(body, compresslevel=6, mtime=0)
        with self._lock:
            self._cache[target] = (mtime, packed)
        return packed

    def _handle(self, request: BaseHTTPRequestHandler, head: bool = False):
        path = posixpath.normpath("/" + unquote(urlsplit(request.path).path).lstrip("/"))
        target = self._lookup(path)
        headers = {}
        if target is None:
            body, status, ctype = f"404 {path}: not in the site".encode(), 404, "text/plain; charset=utf-8"
        else:
            body, status = target.read_bytes(), 200
            ctype = TYPES.get(target.suffix) or mimetypes.guess_type(target.name)[0] or "application/octet-stream"
            if target.suffix in COMPRESSED:
                headers["Vary"] = "Accept-Encoding"
                if "gzip" in request.headers.get("Accept-Encoding", ""):
                    body = self._gzipped(target, body)
                    headers["Content-Encoding"] = "gzip"
            # GitHub Pages' caching: ten minutes.
            headers["Cache-Control"] = "max-age=600"
        with self._lock:
            self.served.append((path, status))
        request.send_response(status)
        request.send_header("Content-Type", ctype)
        request.send_header("Content-Length", str(len(body)))
        for name, value in headers.items():
            request.send_header(name, value)
        request.end_headers()
        if not head:
            request.wfile.write(body)


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--site", default=str(Path(__file__).resolve().parents[1] / "_site"))
    parser.add_argument("--port", type=int, default=8000)
    args = parser.parse_args(argv)
    if not (Path(args.site) / "index.html").is_file():
        print(f"serve_site.py: {args.site} has no index.html: run `quarto render` first", file=sys.stderr)
        return 2
    server = CompressingSiteServer(Path(args.site), args.port)
    print(f"serving {server.root} compressed on {server.origin}/ (Ctrl-C stops)")
    try:
        server.thread.join()
    except KeyboardInterrupt:
        server.close()
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
