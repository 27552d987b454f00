"""The HTTP/1.1 protocol Spoke serves with: uvicorn's httptools protocol, plus read time
limits and HubSpot's envelope on the errors uvicorn answers itself.

uvicorn answers a request it cannot parse (a malformed ``Content-Length`` or chunk, a
path or query that is not ASCII once decoded, an over-long request line) with a plain
text 400 before any application code runs; :class:`SpokeHttpProtocol` answers it in
HubSpot's JSON envelope, with a correlation id, instead. It also closes connections
that keep Spoke waiting (a half-open socket holds a file descriptor and, mid-request,
the request's buffers for ever):

- the head of a request (request line and headers) must arrive within
  :data:`HEAD_TIMEOUT` seconds of the connection opening, or of the first byte of a
  later request on it;
- once the head is in, a body must keep arriving: :data:`BODY_IDLE_TIMEOUT` seconds
  without a byte of it close the connection (the application then sees the client
  gone, which it logs as one line).

An idle keep-alive connection is closed after uvicorn's own ``timeout_keep_alive``.

:func:`server_options` are the uvicorn settings every Spoke server uses (``spoke serve``
and the test servers).
"""

from __future__ import annotations

import asyncio
from typing import Any

from uvicorn.protocols.http.httptools_impl import HttpToolsProtocol

from spoke.errors import ValidationError, error_body, new_correlation_id

#: Seconds for a request's line and headers to arrive.
HEAD_TIMEOUT = 10.0
#: Seconds a request body may go without a byte arriving.
BODY_IDLE_TIMEOUT = 10.0
#: Seconds an idle keep-alive connection stays open (uvicorn's default is 5).
KEEP_ALIVE_TIMEOUT = 5


def server_options(protocol: type[SpokeHttpProtocol] | None = None) -> dict[str, Any]:
    """The keyword arguments for ``uvicorn.run`` / ``uvicorn.Config`` that give every
    Spoke server this protocol (or a subclass with other time limits) and its limits."""
    return {
        "http": protocol or SpokeHttpProtocol,
        "timeout_keep_alive": KEEP_ALIVE_TIMEOUT,
    }


class SpokeHttpProtocol(HttpToolsProtocol):
    """uvicorn's httptools protocol with read time limits and enveloped 400s."""

    head_timeout = HEAD_TIMEOUT
    body_idle_timeout = BODY_IDLE_TIMEOUT

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._read_timer: asyncio.TimerHandle | None = None

    # -- time limits ---------------------------------------------------------------

    def connection_made(self, transport: asyncio.Transport) -> None:  # type: ignore[override]
        super().connection_made(transport)
        self._arm(self.head_timeout)  # the first request's head

    def connection_lost(self, exc: Exception | None) -> None:
        self._disarm()
        super().connection_lost(exc)

    def on_message_begin(self) -> None:
        super().on_message_begin()
        self._arm(self.head_timeout)

    def on_headers_complete(self) -> None:
        super().on_headers_complete()
        self._arm(self.body_idle_timeout)

    def on_body(self, body: bytes) -> None:
        super().on_body(body)
        self._arm(self.body_idle_timeout)

    def on_message_complete(self) -> None:
        self._disarm()
        super().on_message_complete()

    def _arm(self, seconds: float) -> None:
        self._disarm()
        self._read_timer = self.loop.call_later(seconds, self._read_timed_out)

    def _disarm(self) -> None:
        if self._read_timer is not None:
            self._read_timer.cancel()
            self._read_timer = None

    def _read_timed_out(self) -> None:
        self._read_timer = None
        if self.flow is not None and self.flow.read_paused:
            # Spoke stopped reading (the application has not taken the body yet):
            # the client is not the one keeping us waiting.
            self._arm(self.body_idle_timeout)
            return
        if not self.transport.is_closing():
            self.logger.info("closing a connection whose request did not arrive in time")
            self.transport.close()

    # -- uvicorn's own errors --------------------------------------------------------

    def send_400_response(self, msg: str) -> None:
        """A request uvicorn could not parse: HubSpot's 400, then the connection closes."""
        self._disarm()
        correlation_id = new_correlation_id()
        body = error_body(
            ValidationError(f"{msg} Check the request line and headers"), correlation_id
        )
        head = [
            b"HTTP/1.1 400 Bad Request",
            b"content-type: application/json;charset=utf-8",
            b"content-length: " + str(len(body)).encode(),
            b"x-hubspot-correlation-id: " + correlation_id.encode(),
            b"x-request-id: " + correlation_id.encode(),
            b"connection: close",
        ]
        head += [name + b": " + value for name, value in self.server_state.default_headers]
        self.transport.write(b"\r\n".join(head) + b"\r\n\r\n" + body)
        self.transport.close()
