"""A logging reverse proxy: every request a client makes, with the status Spoke gave.

The harness puts one in front of Spoke for each client run, so the record of what a
client asked for does not depend on Spoke's own logging. Bodies pass through unchanged;
the ``Host`` header too, so the ``paging.next.link`` URLs Spoke builds point back at
the proxy and a client that follows them stays recorded.
"""

from __future__ import annotations

import http.client
import json
import threading
import time
from dataclasses import asdict, dataclass
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import ClassVar

#: Hop-by-hop headers (RFC 9110 section 7.6.1) are the proxy's own business.
_HOP_BY_HOP = frozenset(
    {"connection", "keep-alive", "proxy-connection", "transfer-encoding", "te", "upgrade"}
)


@dataclass(frozen=True)
class Exchange:
    """One request and the status it got."""

    method: str
    target: str
    """The path with its query string, as the client sent it."""
    status: int
    millis: float


class _Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    upstream: ClassVar[tuple[str, int]] = ("127.0.0.1", 8080)
    recorder: ClassVar[Recorder]

    def _forward(self) -> None:
        started = time.perf_counter()
        length = int(self.headers.get("content-length") or 0)
        body = self.rfile.read(length) if length else None
        headers = {k: v for k, v in self.headers.items() if k.lower() not in _HOP_BY_HOP}
        connection = http.client.HTTPConnection(*self.upstream, timeout=120)
        try:
            connection.request(self.command, self.path, body=body, headers=headers)
            answer = connection.getresponse()
            payload = answer.read()
            status = answer.status
            answer_headers = answer.getheaders()
        except OSError as error:
            status, payload = 502, f"proxy: upstream unreachable: {error}".encode()
            answer_headers = [("content-type", "text/plain")]
        finally:
            connection.close()
        self.send_response_only(status)
        for name, value in answer_headers:
            if name.lower() not in _HOP_BY_HOP and name.lower() != "content-length":
                self.send_header(name, value)
        self.send_header("content-length", str(len(payload)))
        self.end_headers()
        if self.command != "HEAD":
            self.wfile.write(payload)
        millis = (time.perf_counter() - started) * 1000
        self.recorder.add(Exchange(self.command, self.path, status, round(millis, 1)))

    # The names BaseHTTPRequestHandler dispatches to.
    do_GET = do_POST = do_PUT = do_PATCH = do_DELETE = do_HEAD = _forward  # noqa: N815

    def log_message(self, format: str, *args: object) -> None:
        pass


class Recorder:
    """The exchanges seen since the last :meth:`take`, kept in order."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._exchanges: list[Exchange] = []

    def add(self, exchange: Exchange) -> None:
        with self._lock:
            self._exchanges.append(exchange)

    def take(self) -> list[Exchange]:
        with self._lock:
            taken, self._exchanges = self._exchanges, []
        return taken


class LoggingProxy:
    """A proxy on ``127.0.0.1:port`` in front of ``upstream``, serving in a thread."""

    def __init__(self, upstream_port: int) -> None:
        self.recorder = Recorder()
        handler = type(
            "Handler",
            (_Handler,),
            {"upstream": ("127.0.0.1", upstream_port), "recorder": self.recorder},
        )
        self._server = ThreadingHTTPServer(("127.0.0.1", 0), handler)
        self._server.daemon_threads = True
        self.port = self._server.server_address[1]
        self._thread = threading.Thread(target=self._server.serve_forever, daemon=True)

    @property
    def base_url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def __enter__(self) -> LoggingProxy:
        self._thread.start()
        return self

    def __exit__(self, *_: object) -> None:
        self._server.shutdown()
        self._server.server_close()


def write_log(exchanges: list[Exchange], path: Path) -> None:
    """One JSON object per line: method, target, status, millis."""
    path.write_text("".join(json.dumps(asdict(e)) + "\n" for e in exchanges), encoding="utf-8")
