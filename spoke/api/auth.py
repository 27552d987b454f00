"""Bearer-token authentication, and the optional rate limit, for every HubSpot route."""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Sequence

from starlette.requests import Request
from starlette.responses import Response

from spoke.api.http import error_response
from spoke.api.ratelimit import PORTAL_ID, RateLimiter
from spoke.domain.tokens import Authenticator, require_scopes
from spoke.errors import HubSpotError, RateLimited
from spoke.store.base import TokenRecord

Handler = Callable[[Request, TokenRecord], Awaitable[Response]]
Endpoint = Callable[[Request], Awaitable[Response]]
PathCheck = Callable[[Request, TokenRecord], None]
"""Raises a :class:`HubSpotError` when the path names something Spoke does not serve (or
something HubSpot has that the token may not use)."""


def _no_path_check(request: Request, token: TokenRecord) -> None:
    pass


def guarded(
    auth: Authenticator,
    scopes: Sequence[str],
    handler: Handler,
    limiter: RateLimiter | None = None,
    path_check: PathCheck | None = None,
) -> Endpoint:
    """``handler``, run only for a request whose token is known and live, whose path
    passes ``path_check`` (checked after the token, before the scopes: the scopes needed
    depend on what the path names) and whose token holds one of ``scopes`` (and, with a
    ``limiter``, whose app is within its rate limit)."""
    check_path = path_check or _no_path_check
    if limiter is not None:
        return _rate_limited(auth, scopes, handler, limiter, check_path)

    async def endpoint(request: Request) -> Response:
        token = auth.authenticate(request.headers.get("authorization"))
        check_path(request, token)
        require_scopes(token, scopes)
        return await handler(request, token)

    return endpoint


def _rate_limited(
    auth: Authenticator,
    scopes: Sequence[str],
    handler: Handler,
    limiter: RateLimiter,
    check_path: PathCheck,
) -> Endpoint:
    """``guarded`` with a rate limit: every authenticated request counts against its
    app, and every answer to one (success, HubSpot error or 429) carries the
    ``X-HubSpot-RateLimit-*`` headers. Requests refused with a 401 are not counted."""

    async def endpoint(request: Request) -> Response:
        token = auth.authenticate(request.headers.get("authorization"))
        verdict = limiter.take(token.app_id)
        if verdict.allowed:
            try:
                check_path(request, token)
                require_scopes(token, scopes)
                response = await handler(request, token)
            except HubSpotError as error:
                response = error_response(error)
        else:
            response = error_response(RateLimited(token.app_id, PORTAL_ID))
            response.headers["retry-after"] = str(verdict.retry_after)
        response.raw_headers.extend(limiter.headers(verdict))
        return response

    return endpoint
