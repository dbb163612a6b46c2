"""A real HTTP server on 127.0.0.1 for outbound-fetch tests (pages, redirects, an endless body).

It records every request, so a test can prove that a refused address was never contacted.
"""

from __future__ import annotations

import http.server
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from urllib.parse import parse_qs, urlparse

SECRET = "INTERNAL-ONLY-PAGE-7f3a"


@dataclass
class LocalWeb:
    port: int
    hits: list[str] = field(default_factory=list)
    routes: dict[str, str] = field(default_factory=dict)  # path -> HTML body

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"


def _handler(web: LocalWeb) -> type[http.server.BaseHTTPRequestHandler]:
    class Handler(http.server.BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            web.hits.append(self.path)
            parsed = urlparse(self.path)
            if parsed.path == "/redirect":
                self.send_response(302)
                self.send_header("Location", parse_qs(parsed.query)["to"][0])
                self.send_header("Content-Length", "0")
                self.end_headers()
            elif parsed.path == "/endless":
                self.send_response(200)
                self.send_header("Content-Type", "text/plain")
                self.end_headers()
                block = b"endless body " * 5000
                try:
                    while True:  # until the client hangs up
                        self.wfile.write(block)
                except OSError:
                    return
            else:
                body = web.routes.get(parsed.path, f"<html><body><p>{SECRET}</p></body></html>").encode()
                self.send_response(200)
                self.send_header("Content-Type", "text/html; charset=utf-8")
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

        def do_POST(self) -> None:
            self.rfile.read(int(self.headers.get("Content-Length") or 0))
            self.do_GET()

        def log_message(self, format: str, *args: object) -> None:
            pass

    return Handler


@contextmanager
def local_web() -> Iterator[LocalWeb]:
    web = LocalWeb(0)
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), _handler(web))
    server.daemon_threads = True
    web.port = server.server_port
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield web
    finally:
        server.shutdown()
        server.server_close()
