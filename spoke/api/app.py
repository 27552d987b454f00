"""The ASGI application: routes, authentication, and the one error handler."""

from __future__ import annotations

import logging
import os
from collections.abc import Sequence

from starlette.applications import Starlette
from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import HTMLResponse, Response
from starlette.routing import Route

from spoke.api.auth import guarded
from spoke.api.http import error_response, json_response
from spoke.api.openapi import docs_page, openapi_document
from spoke.api.ratelimit import RateLimiter
from spoke.api.routes import route_table
from spoke.domain.object_types import ObjectType, ObjectTypes
from spoke.domain.standard_objects import STANDARD_OBJECT_TYPES
from spoke.domain.tokens import Authenticator
from spoke.errors import HubSpotError, InternalError, MethodNotAllowed, ResourceNotFound
from spoke.store import DEFAULT_DATABASE_URL, Store, open_store

DATABASE_URL_VARIABLE = "SPOKE_DATABASE_URL"
RATE_LIMIT_VARIABLE = "SPOKE_RATE_LIMIT"

logger = logging.getLogger("spoke")


def create_app(
    store: Store,
    rate_limit: int | None = None,
    object_types: Sequence[ObjectType] = STANDARD_OBJECT_TYPES,
) -> Starlette:
    """Spoke's HTTP API over ``store`` (already migrated), serving ``object_types``.

    ``rate_limit``: requests each app may make in any rolling ten seconds, counted in
    this app object (so per worker process); ``None``, the default, means no limit.
    """
    limiter = RateLimiter(rate_limit) if rate_limit is not None else None
    auth = Authenticator(store)
    table = route_table(store, ObjectTypes(object_types))
    document = openapi_document(table)
    page = docs_page(document)

    async def openapi(request: Request) -> Response:
        return json_response(document)

    async def docs(request: Request) -> Response:
        return HTMLResponse(page)

    async def health(request: Request) -> Response:
        return json_response({"status": "ok"})

    routes = []
    for op in table:
        assert op.type_of is not None, op.path
        endpoint = guarded(auth, op.access, op.type_of, op.handler, limiter)
        routes.append(Route(op.path, endpoint, methods=[op.method]))
    routes += [
        Route("/openapi.json", openapi, methods=["GET"]),
        Route("/docs", docs, methods=["GET"]),
        Route("/_spoke/health", health, methods=["GET"]),
    ]
    return Starlette(
        routes=routes,
        exception_handlers={
            HubSpotError: _hubspot_error,
            HTTPException: _http_error,
            Exception: _unexpected_error,
        },
    )


def app_from_environment() -> Starlette:
    """The app over the database named by ``SPOKE_DATABASE_URL``, limited to
    ``SPOKE_RATE_LIMIT`` requests per app per ten seconds if set (for server workers)."""
    store = open_store(os.environ.get(DATABASE_URL_VARIABLE, DEFAULT_DATABASE_URL))
    return create_app(store, rate_limit=rate_limit_from_environment())


def rate_limit_from_environment() -> int | None:
    """``SPOKE_RATE_LIMIT`` as a number of requests; unset or empty means no limit."""
    raw = os.environ.get(RATE_LIMIT_VARIABLE, "").strip()
    if not raw:
        return None
    if not (raw.isascii() and raw.isdigit()) or int(raw) < 1:
        raise ValueError(f"{RATE_LIMIT_VARIABLE} must be a whole number of at least 1, not {raw!r}")
    return int(raw)


async def _hubspot_error(request: Request, exc: Exception) -> Response:
    assert isinstance(exc, HubSpotError)
    return error_response(exc)


async def _http_error(request: Request, exc: Exception) -> Response:
    assert isinstance(exc, HTTPException)
    if exc.status_code == 405:
        return error_response(MethodNotAllowed(request.method, request.url.path))
    return error_response(ResourceNotFound(f"No resource at {request.method} {request.url.path}"))


async def _unexpected_error(request: Request, exc: Exception) -> Response:
    logger.exception("unexpected error on %s %s", request.method, request.url.path)
    return error_response(InternalError())
