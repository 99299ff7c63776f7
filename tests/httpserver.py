"""A real threaded HTTP server on 127.0.0.1 (random free port) for tests: routes map a path to a reply.

Usage:
    with LocalServer({"/a": Reply(body=b"<html>..</html>")}) as server:
        fetch(server.url("/a"))
        assert server.hits("/a") == 1
"""

from __future__ import annotations

import subprocess
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer


@dataclass(slots=True)
class Reply:
    """What the server answers: status, headers, body, and an optional delay before answering."""

    body: bytes = b""
    status: int = 200
    content_type: str | None = "text/html; charset=utf-8"
    headers: dict[str, str] = field(default_factory=dict)
    delay_s: float = 0.0
    send_length: bool = True        # False: no Content-Length, the body ends when the connection closes
    drop: bool = False              # True: close the connection without any answer (a network error)


@dataclass(slots=True)
class Request:
    """One request the server received."""

    path: str
    headers: dict[str, str]


Route = Reply | Callable[[Request], Reply]


class LocalServer:
    """ThreadingHTTPServer on 127.0.0.1:<free port> in a daemon thread; records every request it receives."""

    def __init__(self, routes: dict[str, Route] | None = None) -> None:
        self.routes: dict[str, Route] = dict(routes or {})
        self.requests: list[Request] = []
        self._lock = threading.Lock()
        self._server = ThreadingHTTPServer(("127.0.0.1", 0), _handler_for(self))
        self._server.daemon_threads = True
        self._thread = threading.Thread(target=self._server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True)

    @property
    def base(self) -> str:
        host, port = self._server.server_address[:2]
        return f"http://{host}:{port}"

    def url(self, path: str) -> str:
        return self.base + path

    def hits(self, path: str) -> int:
        """How many requests for `path` arrived so far."""
        with self._lock:
            return sum(1 for r in self.requests if r.path == path)

    def requests_for(self, path: str) -> list[Request]:
        with self._lock:
            return [r for r in self.requests if r.path == path]

    def reply_for(self, request: Request) -> Reply:
        with self._lock:
            self.requests.append(request)
        route = self.routes.get(request.path)
        if route is None:
            return Reply(b"not found", status=404, content_type="text/plain")
        return route(request) if callable(route) else route

    def __enter__(self) -> LocalServer:
        self._thread.start()
        return self

    def __exit__(self, *exc) -> None:
        self._server.shutdown()
        self._server.server_close()
        self._thread.join(timeout=5)


def _handler_for(server: LocalServer) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"

        def do_GET(self) -> None:  # noqa: N802 (http.server's naming)
            reply = server.reply_for(Request(self.path, {k.lower(): v for k, v in self.headers.items()}))
            if reply.delay_s:
                time.sleep(reply.delay_s)
            if reply.drop:
                self.close_connection = True
                return
            try:
                self.send_response(reply.status)
                if reply.content_type:
                    self.send_header("Content-Type", reply.content_type)
                for name, value in reply.headers.items():
                    self.send_header(name, value)
                if reply.send_length:
                    self.send_header("Content-Length", str(len(reply.body)))
                else:
                    self.send_header("Connection", "close")
                    self.close_connection = True
                self.end_headers()
                if reply.status != 304:
                    self.wfile.write(reply.body)
            except (BrokenPipeError, ConnectionResetError):
                pass  # the client gave up (a timeout test): nothing to answer

        def log_message(self, format: str, *args) -> None:  # noqa: A002 (http.server's signature)
            pass

    return Handler


def etag_route(body: bytes, etag: str, content_type: str, last_modified: str | None = None) -> Callable[[Request], Reply]:
    """A route answering 304 when the request carries the current ETag (or Last-Modified), else the body."""

    def route(request: Request) -> Reply:
        headers = {"ETag": etag}
        if last_modified:
            headers["Last-Modified"] = last_modified
        fresh = request.headers.get("if-none-match") == etag or (
            last_modified is not None and request.headers.get("if-modified-since") == last_modified
        )
        if fresh:
            return Reply(status=304, content_type=None, headers=headers)
        return Reply(body, content_type=content_type, headers=headers)

    return route


def article_page(title: str, body_html: str) -> bytes:
    """A small invented article page: `<title>`, `<h1>` and the given paragraphs inside `<article>`."""
    return (f"<html><head><title>{title}</title></head><body><article><h1>{title}</h1>"
            f"{body_html}</article></body></html>").encode()


def signal_on_hit(command: list[str], server: LocalServer, path: str, signum: int,
                  timeout_s: float = 60.0) -> tuple[subprocess.Popen, str]:
    """Run `command`, send it `signum` as soon as it has requested `path` from `server`, wait for it to exit.

    Returns the finished process and its stderr. Fails if the process never reached `path`.
    """
    process = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
    try:
        deadline = time.monotonic() + timeout_s
        while server.hits(path) == 0 and process.poll() is None and time.monotonic() < deadline:
            time.sleep(0.05)
        assert server.hits(path) == 1, f"the process never requested {path}"
        process.send_signal(signum)
        _, err = process.communicate(timeout=20)
    finally:
        if process.poll() is None:
            process.kill()
    return process, err
