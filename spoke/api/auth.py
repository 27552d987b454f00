"""Bearer-token authentication, the object type a path names, the scopes it needs, and the
optional rate limit, for every HubSpot route (and for requests that match none)."""

from __future__ import annotations

from collections.abc import Awaitable, Callable

from starlette.requests import Request
from starlette.responses import Response

from spoke.api.http import error_response
from spoke.api.ratelimit import PORTAL_ID, RateLimiter
from spoke.domain.object_types import Access, ObjectType
from spoke.domain.tokens import Authenticator, require_scopes
from spoke.errors import HubSpotError, RateLimited
from spoke.store.base import TokenRecord

Handler = Callable[[Request, TokenRecord, ObjectType], Awaitable[Response]]
Endpoint = Callable[[Request], Awaitable[Response]]
Admitted = Callable[[Request, TokenRecord], Awaitable[Response]]
"""What answers a request once its token is known (and within its rate limit)."""
TypeOfPath = Callable[[Request, TokenRecord], ObjectType]
"""The object type a request's path names; raises a :class:`HubSpotError` when it names
none that Spoke serves there (HubSpot's 403 first, for a type the token has no scope for)."""


def typed(access: Access, type_of: TypeOfPath, handler: Handler) -> Admitted:
    """``handler``, run only when the path names an object type served there (checked
    after the token, before the scopes: the scopes needed depend on the type) and the
    token holds one of the type's scopes for ``access``."""

    async def admitted(request: Request, token: TokenRecord) -> Response:
        object_type = type_of(request, token)
        require_scopes(token, object_type.scopes.for_access(access))
        return await handler(request, token, object_type)

    return admitted


def scoped(scopes: tuple[str, ...], admitted: Admitted) -> Admitted:
    """``admitted``, run only when the token holds one of ``scopes`` (for operations whose
    path names no object type)."""

    async def checked(request: Request, token: TokenRecord) -> Response:
        require_scopes(token, scopes)
        return await admitted(request, token)

    return checked


def guarded(auth: Authenticator, admitted: Admitted, limiter: RateLimiter | None) -> Endpoint:
    """``admitted``, run only for a request whose token is known and live (and, with a
    ``limiter``, whose app is within its rate limit)."""
    if limiter is not None:
        return _rate_limited(auth, admitted, limiter)

    async def endpoint(request: Request) -> Response:
        token = auth.authenticate(request.headers.get("authorization"))
        return await admitted(request, token)

    return endpoint


def _rate_limited(auth: Authenticator, admitted: Admitted, limiter: RateLimiter) -> Endpoint:
    """``guarded`` with a rate limit: every authenticated request counts against its
    app, and every answer to one (success, HubSpot error or 429) carries the
    ``X-HubSpot-RateLimit-*`` headers. Requests refused with a 401 are not counted."""

    async def endpoint(request: Request) -> Response:
        token = auth.authenticate(request.headers.get("authorization"))
        verdict = limiter.take(token.app_id)
        if verdict.allowed:
            try:
                response = await admitted(request, token)
            except HubSpotError as error:
                response = error_response(error)
        else:
            response = error_response(RateLimited(token.app_id, PORTAL_ID))
            response.headers["retry-after"] = str(verdict.retry_after)
        response.raw_headers.extend(limiter.headers(verdict))
        return response

    return endpoint
