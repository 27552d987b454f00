"""Requests that match no route Spoke serves.

Such a request is answered as HubSpot would answer it where HubSpot's answer does not
depend on data Spoke lacks: the token first (401), then, on a HubSpot path, HubSpot's 400
for an object type it does not have or its 403 ``MISSING_SCOPES`` for a token without the
path's scopes (:func:`spoke.api.hubspot_paths.check_hubspot_path`). What is left (a path
HubSpot does not have, or a HubSpot path whose scopes the token holds but Spoke does not
serve) gets Spoke's own 404 or 405. Like every authenticated request, these count against
the rate limit.

Tokens can only be created with scopes some route accepts (``KNOWN_SCOPES``), so the
last case arises only for paths that share a served scope (contacts' ``gdpr-delete``, the
association limits).
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable

from starlette.requests import Request
from starlette.responses import Response

from spoke.api.auth import guarded
from spoke.api.http import error_response
from spoke.api.hubspot_paths import check_hubspot_path
from spoke.api.ratelimit import RateLimiter
from spoke.domain.tokens import Authenticator
from spoke.errors import HubSpotError
from spoke.store.base import TokenRecord

ExceptionHandler = Callable[[Request, Exception], Awaitable[Response]]


def unserved_paths(
    auth: Authenticator, limiter: RateLimiter | None, not_served: ExceptionHandler
) -> ExceptionHandler:
    """The handler of Starlette's 404s and 405s: authentication and HubSpot's refusals
    first, then ``not_served`` (Spoke's own 404 or 405)."""

    async def handle(request: Request, exc: Exception) -> Response:
        async def answer(request: Request, token: TokenRecord) -> Response:
            check_hubspot_path(request, token)
            return await not_served(request, exc)

        endpoint = guarded(auth, answer, limiter)
        try:
            return await endpoint(request)
        except HubSpotError as error:
            return error_response(error)

    return handle
