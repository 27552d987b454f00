"""Bearer-token authentication, the object type a path names, the scopes it needs, and the
optional rate limit, for every HubSpot route."""

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
TypeOfPath = Callable[[Request], ObjectType]
"""The object type a request's path names; raises a :class:`HubSpotError` when it names
none that Spoke serves there."""


def guarded(
    auth: Authenticator,
    access: Access,
    type_of: TypeOfPath,
    handler: Handler,
    limiter: RateLimiter | None = None,
) -> Endpoint:
    """``handler``, run only for a request whose token is known and live, whose path
    names an object type served there (``type_of``, checked after the token, before the
    scopes: the scopes needed depend on the type) and whose token holds one of the type's
    scopes for ``access`` (and, with a ``limiter``, whose app is within its rate limit)."""
    if limiter is not None:
        return _rate_limited(auth, access, type_of, handler, limiter)

    async def endpoint(request: Request) -> Response:
        token = auth.authenticate(request.headers.get("authorization"))
        object_type = type_of(request)
        require_scopes(token, object_type.scopes.for_access(access))
        return await handler(request, token, object_type)

    return endpoint


def _rate_limited(
    auth: Authenticator,
    access: Access,
    type_of: TypeOfPath,
    handler: Handler,
    limiter: RateLimiter,
) -> Endpoint:
    """``guarded`` with a rate limit: every authenticated request counts against its
    app, and every answer to one (success, HubSpot error or 429) carries the
    ``X-HubSpot-RateLimit-*`` headers. Requests refused with a 401 are not counted."""

    async def endpoint(request: Request) -> Response:
        token = auth.authenticate(request.headers.get("authorization"))
        verdict = limiter.take(token.app_id)
        if verdict.allowed:
            try:
                object_type = type_of(request)
                require_scopes(token, object_type.scopes.for_access(access))
                response = await handler(request, token, object_type)
            except HubSpotError as error:
                response = error_response(error)
        else:
            response = error_response(RateLimited(token.app_id, PORTAL_ID))
            response.headers["retry-after"] = str(verdict.retry_after)
        response.raw_headers.extend(limiter.headers(verdict))
        return response

    return endpoint
