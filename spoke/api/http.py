"""Request decoding and response encoding shared by every endpoint."""

from __future__ import annotations

import re
from typing import Any, TypeVar
from urllib.parse import unquote_plus

import msgspec
import orjson
from starlette.requests import Request
from starlette.responses import Response

from spoke.errors import HubSpotError, InvalidJson, ValidationError, error_body, new_correlation_id

T = TypeVar("T")

JSON_CONTENT_TYPE = "application/json;charset=utf-8"
_BYTE_OFFSET = re.compile(r"\(byte (\d+)\)$")


def json_response(body: Any, status_code: int = 200) -> Response:
    return raw_json_response(orjson.dumps(body), status_code, new_correlation_id())


def raw_json_response(content: bytes, status_code: int, correlation_id: str) -> Response:
    return Response(
        content,
        status_code=status_code,
        headers={
            "content-type": JSON_CONTENT_TYPE,
            "x-hubspot-correlation-id": correlation_id,
            "x-request-id": correlation_id,
        },
    )


def empty_response(status_code: int = 204) -> Response:
    correlation_id = new_correlation_id()
    return Response(
        status_code=status_code,
        headers={"x-hubspot-correlation-id": correlation_id, "x-request-id": correlation_id},
    )


def error_response(error: HubSpotError) -> Response:
    correlation_id = new_correlation_id()
    return raw_json_response(error_body(error, correlation_id), error.status_code, correlation_id)


async def decode_body(request: Request, kind: type[T]) -> T:
    """The request body as ``kind``; HubSpot's "Invalid input JSON" 400 otherwise."""
    body = await request.body()
    try:
        return msgspec.json.decode(body, type=kind)
    except msgspec.ValidationError as invalid:
        # A Struct that refuses unknown fields stops at the first one; a syntax error
        # further on is still the error to report (with its position).
        raise (_syntax_error(body) or InvalidJson(1, 1, str(invalid))) from None
    except (msgspec.DecodeError, UnicodeDecodeError):
        raise (_syntax_error(body) or InvalidJson(1, 1, "malformed JSON")) from None
    except RecursionError:
        raise _too_deep() from None


def _syntax_error(body: bytes) -> InvalidJson | None:
    """What makes ``body`` no JSON document at all (with its position), if anything."""
    try:
        msgspec.json.decode(body)
    except msgspec.DecodeError as malformed:
        line, column = _position(body, str(malformed))
        return InvalidJson(line, column, str(malformed))
    except UnicodeDecodeError:
        line, column = _line_and_column(body, _first_invalid_utf8(body))
        return InvalidJson(line, column, "the body is not valid UTF-8")
    except RecursionError:
        return _too_deep()
    return None


def _too_deep() -> InvalidJson:
    """msgspec's nesting limit was reached (Python's recursion limit: about a thousand
    arrays or objects in one another)."""
    return InvalidJson(1, 1, "arrays and objects are nested too deeply")


def _position(body: bytes, message: str) -> tuple[int, int]:
    """Line and column (1-based) of the byte a decode error names."""
    found = _BYTE_OFFSET.search(message)
    return _line_and_column(body, int(found.group(1)) if found else len(body))


def _first_invalid_utf8(body: bytes) -> int:
    try:
        body.decode()
    except UnicodeDecodeError as undecodable:
        return undecodable.start
    return len(body)


def _line_and_column(body: bytes, offset: int) -> tuple[int, int]:
    offset = min(offset, len(body))
    before = body[:offset]
    line = before.count(b"\n") + 1
    column = offset - (before.rfind(b"\n") + 1) + 1
    return line, column


def query_bool(request: Request, name: str, default: bool = False) -> bool:
    """A boolean query parameter, in any letter case (the Python SDK sends ``False``)."""
    raw = request.query_params.get(name)
    if raw is None:
        return default
    lowered = raw.lower()
    if lowered not in ("true", "false"):
        raise ValidationError(
            f"Invalid value '{raw}' for query parameter {name}: expected true or false"
        )
    return lowered == "true"


def query_list(request: Request, name: str) -> list[str]:
    """A list query parameter, repeated and/or comma-separated."""
    return [item for raw in request.query_params.getlist(name) for item in raw.split(",") if item]


def link_with_query(request: Request, name: str, value: str) -> str:
    """The request's own URL with query parameter ``name`` set to ``value`` (URL-safe),
    every other parameter kept as the client sent it."""
    kept = [
        item
        for item in request.url.query.split("&")
        if item and unquote_plus(item.partition("=")[0]) != name
    ]
    return str(request.url.replace(query="&".join([*kept, f"{name}={value}"])))
