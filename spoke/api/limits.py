"""The ASGI layer every request passes first: the body size limit, and the one place an
unexpected error becomes HubSpot's 500 (logged once).

:class:`RequestLimits` sits inside Starlette's own error middleware, outside its
exception handlers (``create_app`` installs it), so it sees every exception that no
handler turned into a response:

- a body larger than :data:`MAX_BODY_BYTES` is refused with a 413 before it is read:
  at once when its ``Content-Length`` says so, else as soon as the bytes received pass
  the limit (the request's ``body()`` raises :class:`BodyTooLarge`, answered by the
  HubSpot error handler). A 500 MB body never reaches memory;
- a statement that ran past its time limit (:func:`spoke.store.timed_out`) is answered
  with HubSpot's 504;
- a client that went away before its body arrived is logged as one line;
- anything else is logged once, with its traceback, and answered with the 500 envelope.
  The exception goes no further, so neither Starlette nor uvicorn logs it again.
"""

from __future__ import annotations

import logging
from collections.abc import Callable

from starlette.requests import ClientDisconnect
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from spoke.api.http import error_response
from spoke.errors import BodyTooLarge, HubSpotError, InternalError, StatementTimedOut

#: The largest request body Spoke reads, in bytes (docs/behaviour.md, "Limits").
MAX_BODY_BYTES = 16 * 1024 * 1024

logger = logging.getLogger("spoke")

TimeoutTest = Callable[[BaseException], bool]


class RequestLimits:
    """ASGI middleware: the body limit and the last word on unexpected errors."""

    def __init__(
        self,
        app: ASGIApp,
        timed_out: TimeoutTest,
        max_body_bytes: int = MAX_BODY_BYTES,
    ) -> None:
        self.app = app
        self.timed_out = timed_out
        self.max_body_bytes = max_body_bytes

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        if _declared_length(scope) > self.max_body_bytes:
            await _answer(BodyTooLarge(self.max_body_bytes), scope, receive, send)
            return
        started = False

        async def tracked_send(message: Message) -> None:
            nonlocal started
            started = started or message["type"] == "http.response.start"
            await send(message)

        try:
            await self.app(scope, _limited(receive, self.max_body_bytes), tracked_send)
        except ClientDisconnect:
            logger.info(
                "client disconnected before its request body arrived: %s %s",
                scope["method"],
                scope["path"],
            )
        except Exception as error:
            if self.timed_out(error):
                logger.warning(
                    "statement time limit reached: %s %s", scope["method"], scope["path"]
                )
                answer: HubSpotError = StatementTimedOut()
            else:
                logger.exception("unexpected error on %s %s", scope["method"], scope["path"])
                answer = InternalError()
            if not started:
                await _answer(answer, scope, receive, send)


def _declared_length(scope: Scope) -> int:
    """The request's ``Content-Length``, or 0 without a usable one (uvicorn has already
    refused a malformed one)."""
    for name, value in scope["headers"]:
        if name == b"content-length":
            return int(value) if value.isdigit() else 0
    return 0


def _limited(receive: Receive, limit: int) -> Receive:
    """``receive``, raising :class:`BodyTooLarge` once the body passes ``limit`` bytes."""
    received = 0

    async def receive_within_limit() -> Message:
        nonlocal received
        message = await receive()
        if message["type"] == "http.request":
            received += len(message.get("body", b""))
            if received > limit:
                raise BodyTooLarge(limit)
        return message

    return receive_within_limit


async def _answer(error: HubSpotError, scope: Scope, receive: Receive, send: Send) -> None:
    response = error_response(error)
    if isinstance(error, BodyTooLarge):
        response.headers["connection"] = "close"  # the rest of the body is not read
    await response(scope, receive, send)
