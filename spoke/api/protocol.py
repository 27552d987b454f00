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
  gone, which it logs as one line);
- a head larger than :data:`MAX_HEAD_BYTES` is answered 431 and the connection closed:
  the parser holds a head in memory until it is complete, so headers without end
  would otherwise fill it.

An idle keep-alive connection is closed after uvicorn's own ``timeout_keep_alive``.

:func:`server_options` are the uvicorn settings every Spoke server uses (``spoke serve``
and the test servers).
"""

from __future__ import annotations

import asyncio
from http import HTTPStatus
from typing import Any

from uvicorn.protocols.http.httptools_impl import HttpToolsProtocol

from spoke.errors import HubSpotError, error_body, new_correlation_id

#: Seconds for a request's line and headers to arrive.
HEAD_TIMEOUT = 10.0
#: Seconds a request body may go without a byte arriving.
BODY_IDLE_TIMEOUT = 10.0
#: Seconds an idle keep-alive connection stays open (uvicorn's default is 5).
KEEP_ALIVE_TIMEOUT = 5
#: Bytes of a request's line and headers: the parser keeps them all in memory until the
#: head is complete (uvicorn itself refuses URLs from about 64 kB).
MAX_HEAD_BYTES = 64 * 1024
#: Seconds a refused connection is read (and what comes dropped) before it is closed.
LINGER_SECONDS = 1.0


def server_options(protocol: type[SpokeHttpProtocol] | None = None) -> dict[str, Any]:
    """The keyword arguments for ``uvicorn.run`` / ``uvicorn.Config`` that give every
    Spoke server this protocol (or a subclass with other time limits) and its limits."""
    return {
        "http": protocol or SpokeHttpProtocol,
        "timeout_keep_alive": KEEP_ALIVE_TIMEOUT,
        # Spoke never uses the client's address, so no middleware rewrites it from
        # X-Forwarded-For on every request.
        "proxy_headers": False,
    }


class SpokeHttpProtocol(HttpToolsProtocol):
    """uvicorn's httptools protocol with read time limits and enveloped 400s."""

    head_timeout = HEAD_TIMEOUT
    body_idle_timeout = BODY_IDLE_TIMEOUT

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._read_timer: asyncio.TimerHandle | None = None
        self._reading_head = True
        self._head_bytes = 0
        self._discarding = False  # answered and closing: the rest of the input is dropped

    # -- the size of a request's head ----------------------------------------------------

    def data_received(self, data: bytes) -> None:
        if self._discarding:
            return
        if self._reading_head:
            self._head_bytes += len(data)
        super().data_received(data)
        if (
            self._reading_head
            and self._head_bytes > MAX_HEAD_BYTES
            and not self.transport.is_closing()
        ):
            self._refuse(
                431,
                f"The request line and headers are larger than the {MAX_HEAD_BYTES} bytes "
                "Spoke reads; send fewer or shorter headers and query parameters",
            )

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
        self._reading_head = False
        self._head_bytes = 0
        super().on_headers_complete()
        self._arm(self.body_idle_timeout)

    def on_body(self, body: bytes) -> None:
        super().on_body(body)
        self._arm(self.body_idle_timeout)

    def on_message_complete(self) -> None:
        self._disarm()
        self._reading_head = True  # what follows is the next request's head
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
        self._refuse(400, f"{msg} Check the request line and headers")

    def _refuse(self, status: int, message: str) -> None:
        """Answer ``status`` with ``message`` in HubSpot's envelope and close the
        connection (nothing more of the request is read)."""
        self._disarm()
        correlation_id = new_correlation_id()
        body = error_body(HubSpotError(message, status_code=status), correlation_id)
        head = [
            b"HTTP/1.1 " + str(status).encode() + b" " + HTTPStatus(status).phrase.encode(),
            b"content-type: application/json;charset=utf-8",
            b"content-length: " + str(len(body)).encode(),
            b"x-hubspot-correlation-id: " + correlation_id.encode(),
            b"x-request-id: " + correlation_id.encode(),
            b"connection: close",
        ]
        head += [name + b": " + value for name, value in self.server_state.default_headers]
        self.transport.write(b"\r\n".join(head) + b"\r\n\r\n" + body)
        # Closing with the client's bytes unread would reset the connection, and the
        # client could lose the answer: stop sending, drop what still comes, then close.
        self._discarding = True
        if self.transport.can_write_eof():
            self.transport.write_eof()
        self.loop.call_later(LINGER_SECONDS, self.transport.close)
