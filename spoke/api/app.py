"""The ASGI application: routes, authentication, and the one error handler."""

from __future__ import annotations

import os
from collections.abc import Sequence

from starlette.applications import Starlette
from starlette.exceptions import HTTPException
from starlette.middleware import Middleware
from starlette.requests import Request
from starlette.responses import HTMLResponse, Response
from starlette.routing import Match, Route

from spoke.api.auth import guarded
from spoke.api.http import error_response, json_response
from spoke.api.limits import RequestLimits
from spoke.api.openapi import docs_page, openapi_document
from spoke.api.ratelimit import RateLimiter
from spoke.api.routes import route_table
from spoke.api.unserved import unserved_paths
from spoke.domain.object_types import ObjectType, ObjectTypes
from spoke.domain.standard_objects import STANDARD_OBJECT_TYPES
from spoke.domain.tokens import Authenticator
from spoke.errors import HubSpotError, MethodNotAllowed, ResourceNotFound
from spoke.store import DEFAULT_DATABASE_URL, Store, open_store, timed_out

DATABASE_URL_VARIABLE = "SPOKE_DATABASE_URL"
RATE_LIMIT_VARIABLE = "SPOKE_RATE_LIMIT"
STATEMENT_TIMEOUT_VARIABLE = "SPOKE_STATEMENT_TIMEOUT"
#: Seconds a database statement of a request may run (docs/decisions.md, "Time limits").
DEFAULT_STATEMENT_TIMEOUT = 10.0
ANSWER_CACHE_VARIABLE = "SPOKE_ANSWER_CACHE_MB"
#: Megabytes of batch read answers each worker may hold (docs/decisions.md, "Cached
#: answers of the batch read").
DEFAULT_ANSWER_CACHE_MB = 64


def create_app(
    store: Store,
    rate_limit: int | None = None,
    statement_timeout: float = DEFAULT_STATEMENT_TIMEOUT,
    object_types: Sequence[ObjectType] = STANDARD_OBJECT_TYPES,
    answer_cache_mb: int = DEFAULT_ANSWER_CACHE_MB,
) -> Starlette:
    """Spoke's HTTP API over ``store`` (already migrated), serving ``object_types``.

    ``rate_limit``: requests each app may make in any rolling ten seconds, counted in
    this app object (so per worker process); ``None``, the default, means no limit.
    ``statement_timeout``: seconds after which a statement of ``store`` is cancelled and
    its request answered with HubSpot's 504 (set on ``store`` here).
    ``answer_cache_mb``: megabytes of batch read answers the app holds (0: none).
    """
    store.limit_statement_time(round(statement_timeout * 1000))
    limiter = RateLimiter(rate_limit) if rate_limit is not None else None
    auth = Authenticator(store)
    table = route_table(store, ObjectTypes(object_types), answer_cache_mb * 1_000_000)
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
        endpoint = guarded(auth, op.admitted(), limiter)
        routes.append(Route(op.path, endpoint, methods=[op.method]))
    routes += [
        Route("/openapi.json", openapi, methods=["GET"]),
        Route("/docs", docs, methods=["GET"]),
        Route("/_spoke/health", health, methods=["GET"]),
    ]
    app = Starlette(
        routes=routes,
        middleware=[Middleware(RequestLimits, timed_out=timed_out)],
        exception_handlers={
            HubSpotError: _hubspot_error,
            HTTPException: unserved_paths(auth, limiter, _http_error),
        },
    )
    # A path with a trailing slash is not found (404 in HubSpot's envelope), not
    # redirected with a bare 307.
    app.router.redirect_slashes = False
    return app


def app_from_environment() -> Starlette:
    """The app over the database named by ``SPOKE_DATABASE_URL``, limited to
    ``SPOKE_RATE_LIMIT`` requests per app per ten seconds if set, its statements to
    ``SPOKE_STATEMENT_TIMEOUT`` seconds, holding ``SPOKE_ANSWER_CACHE_MB`` megabytes of
    answers (for server workers)."""
    store = open_store(os.environ.get(DATABASE_URL_VARIABLE, DEFAULT_DATABASE_URL))
    return create_app(
        store,
        rate_limit=rate_limit_from_environment(),
        statement_timeout=statement_timeout_from_environment(),
        answer_cache_mb=answer_cache_from_environment(),
    )


def answer_cache_from_environment() -> int:
    """``SPOKE_ANSWER_CACHE_MB`` in megabytes; unset or empty means the default."""
    raw = os.environ.get(ANSWER_CACHE_VARIABLE, "").strip()
    if not raw:
        return DEFAULT_ANSWER_CACHE_MB
    if not (raw.isascii() and raw.isdigit()):
        raise ValueError(
            f"{ANSWER_CACHE_VARIABLE} must be a whole number of megabytes, not {raw!r}"
        )
    return int(raw)


def statement_timeout_from_environment() -> float:
    """``SPOKE_STATEMENT_TIMEOUT`` in seconds; unset or empty means the default."""
    raw = os.environ.get(STATEMENT_TIMEOUT_VARIABLE, "").strip()
    if not raw:
        return DEFAULT_STATEMENT_TIMEOUT
    try:
        seconds = float(raw)
    except ValueError:
        seconds = 0.0
    if not 0.001 <= seconds <= 86_400:
        raise ValueError(
            f"{STATEMENT_TIMEOUT_VARIABLE} must be a number of seconds from 0.001 to 86400, "
            f"not {raw!r}"
        )
    return seconds


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
        response = error_response(MethodNotAllowed(request.method, request.url.path))
        response.headers["allow"] = ", ".join(_allowed_methods(request))
        return response
    return error_response(ResourceNotFound(f"No resource at {request.method} {request.url.path}"))


def _allowed_methods(request: Request) -> list[str]:
    """Every method some route serves on the request's path (Starlette's own 405 names
    only the first route that matched the path)."""
    methods = {
        method
        for route in request.app.routes
        if isinstance(route, Route) and route.matches(request.scope)[0] is not Match.NONE
        for method in route.methods or ()
    }
    return sorted(methods)
