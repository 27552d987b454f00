"""Bearer-token authentication for every HubSpot route."""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Sequence

from starlette.requests import Request
from starlette.responses import Response

from spoke.domain.tokens import authenticate, require_scopes
from spoke.store.base import Store, TokenRecord

Handler = Callable[[Request, TokenRecord], Awaitable[Response]]
Endpoint = Callable[[Request], Awaitable[Response]]


def guarded(store: Store, scopes: Sequence[str], handler: Handler) -> Endpoint:
    """``handler``, run only for a request whose token is known, live and holds one of
    ``scopes``."""

    async def endpoint(request: Request) -> Response:
        token = authenticate(store, request.headers.get("authorization"))
        require_scopes(token, scopes)
        return await handler(request, token)

    return endpoint
