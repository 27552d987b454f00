"""Every HubSpot error Spoke can answer, and the one place their bodies are built.

The domain and the store raise these exceptions; the HTTP layer renders them with
:func:`error_body`, and nothing else in Spoke writes an error body.

    HubSpotError                     any error answered in HubSpot's envelope
    ├── ValidationError              400 VALIDATION_ERROR
    │   ├── InvalidJson              body is not JSON, or not of the expected shape
    │   ├── BatchTooLarge            more than 100 inputs (or 50 with property history)
    │   ├── InvalidPageRequest       a list's limit or paging cursor is not usable
    │   ├── InvalidIdProperty        idProperty unknown or not unique
    │   ├── UnknownObjectType        the path names no object type HubSpot has
    │   ├── ObjectTypeWithoutPipelines  pipelines of a served type that has none
    │   ├── PropertyValuesNotValid   a write carried invalid property values
    │   ├── PipelineInUse            a pipeline or stage to delete still has live tickets
    │   └── InvalidAssociations      associations naming no record or no type of the pair
    ├── ObjectNotFound               404 OBJECT_NOT_FOUND
    ├── ResourceNotFound             404 for paths and definitions (no such property, pipeline)
    │   └── ObjectTypeNotServed      a HubSpot object type Spoke does not serve
    ├── Conflict                     409 CONFLICT (a unique value is taken)
    ├── PropertyAlreadyExists        409 OBJECT_ALREADY_EXISTS
    ├── PropertyGroupAlreadyExists   409 OBJECT_ALREADY_EXISTS (a property group)
    ├── MethodNotAllowed             405 for a path that exists with another method
    ├── BodyTooLarge                 413 (a request body over Spoke's limit)
    ├── InternalError                500, only for a bug in Spoke
    ├── StatementTimedOut            504 (a database statement ran past its time limit)
    ├── InvalidAuthentication        401 INVALID_AUTHENTICATION
    ├── ExpiredAuthentication        401 EXPIRED_AUTHENTICATION
    ├── MissingScopes                403 MISSING_SCOPES
    └── RateLimited                  429 RATE_LIMIT (its own body: no ``category``)

Key order follows HubSpot's captures: ``status, message, correlationId, [errors],
[links], category, [context]``; a 429 has ``status, message, errorType, correlationId,
policyName, groupName``. Bodies are compact JSON.
"""

from __future__ import annotations

import uuid
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import orjson

Json = dict[str, Any]

AUTH_DOCS = "https://developers.hubspot.com/docs/methods/auth/oauth-overview"
SCOPES_DOCS = "https://developers.hubspot.com/scopes"


def new_correlation_id() -> str:
    """A fresh correlation id; HubSpot's recent ones are UUIDs as well."""
    return str(uuid.uuid4())


@dataclass
class HubSpotError(Exception):
    """An error that HubSpot would answer with its standard envelope."""

    message: str
    status_code: int = 400
    category: str = "VALIDATION_ERROR"
    errors: list[Json] | None = None
    links: dict[str, str] | None = None
    context: dict[str, list[str]] | None = None

    def __str__(self) -> str:
        return self.message

    def envelope(self, correlation_id: str) -> Json:
        """The body HubSpot sends for this error, keys in HubSpot's order."""
        body: Json = {"status": "error", "message": self.message, "correlationId": correlation_id}
        if self.errors is not None:
            body["errors"] = self.errors
        if self.links is not None:
            body["links"] = self.links
        body["category"] = self.category
        if self.context is not None:
            body["context"] = self.context
        return body


class ValidationError(HubSpotError):
    """A 400 ``VALIDATION_ERROR`` with only a message."""

    def __init__(self, message: str) -> None:
        super().__init__(message)


class InvalidJson(ValidationError):
    """The body is not JSON, or not of the shape the operation takes."""

    def __init__(self, line: int, column: int, detail: str) -> None:
        super().__init__(f"Invalid input JSON on line {line}, column {column}: {detail}")


class BatchTooLarge(ValidationError):
    """More inputs than one batch may carry."""

    @classmethod
    def for_inputs(cls, limit: int) -> BatchTooLarge:
        return cls(
            f"The maximum number of inputs supported in a batch is {limit}. "
            "Please reduce the number of items and try again"
        )

    @classmethod
    def for_history(cls, limit: int) -> BatchTooLarge:
        return cls(
            "The maximum number of inputs supported in a batch request for property "
            f"histories is {limit}. Please reduce the number of items and try again"
        )


class InvalidPageRequest(ValidationError):
    """A list request whose ``limit`` or ``after`` cannot give a page."""

    @classmethod
    def for_limit(cls, raw: str, maximum: int) -> InvalidPageRequest:
        return cls(f"Invalid limit '{raw}': a page holds from 1 to {maximum} records")

    @classmethod
    def for_history(cls, maximum: int) -> InvalidPageRequest:
        return cls(
            "The maximum number of records supported in a page with property histories is "
            f"{maximum}. Please reduce the limit and try again"
        )

    @classmethod
    def for_cursor(cls, raw: str) -> InvalidPageRequest:
        return cls(f"Invalid paging cursor '{raw}': pass the paging.next.after of a page")


class InvalidIdProperty(ValidationError):
    """``idProperty`` names a property that does not exist or is not unique."""


class UnknownObjectType(ValidationError):
    """The path's ``objectType`` is neither a HubSpot object type name nor a type id."""

    def __init__(self, object_type: str) -> None:
        super().__init__(f"Unable to infer object type from: {object_type}")


class ObjectTypeWithoutPipelines(ValidationError):
    """The pipelines API was asked for an object type that has no pipelines."""

    def __init__(self, name: str, type_id: str, with_pipelines: Sequence[str]) -> None:
        super().__init__(
            f"Object type {name} ({type_id}) has no pipelines; pipelines exist for "
            f"{', '.join(with_pipelines)}"
        )


@dataclass
class InvalidPropertyValue:
    """One entry of the ``Property values were not valid`` list."""

    name: str
    error: str
    message: str


class PropertyValuesNotValid(HubSpotError):
    """A write carried one or more invalid property values; nothing was written."""

    def __init__(self, problems: Sequence[InvalidPropertyValue]) -> None:
        listed = [
            {"isValid": False, "message": p.message, "error": p.error, "name": p.name}
            for p in problems
        ]
        super().__init__(
            "Property values were not valid: " + orjson.dumps(listed).decode(),
            errors=[
                {"message": p.message, "code": p.error, "context": {"propertyName": [p.name]}}
                for p in problems
            ],
        )
        self.problems = list(problems)


class PipelineInUse(ValidationError):
    """A pipeline or stage that live tickets are in cannot be deleted; ``context.ids``
    names (some of) those tickets."""

    def __init__(self, message: str, ticket_ids: list[str]) -> None:
        super().__init__(message)
        self.context = {"ids": ticket_ids}


class InvalidAssociations(ValidationError):
    """HubSpot's 400 for associations that name records that are not live records of the
    type, or association types that are not the pair's (its message and context keys, as
    HubSpot answers them)."""

    def __init__(self, context: dict[str, list[str]]) -> None:
        super().__init__("One or more associations are invalid")
        self.context = context

    @classmethod
    def for_records(cls, invalid: Sequence[tuple[str, str]]) -> InvalidAssociations:
        """``invalid``: each record's object type label (``CONTACT``) and id, as sent."""
        return cls(
            {
                "INVALID_OBJECT_IDS": [f"{label}={i} is not valid" for label, i in invalid],
                "objectId": [i for _, i in invalid],
                "objectType": [label for label, _ in invalid],
            }
        )

    @classmethod
    def for_types(cls, specs: Sequence[tuple[str, int]]) -> InvalidAssociations:
        """``specs``: each ``(associationCategory, associationTypeId)`` that names no type."""
        named = [f"{category}={type_id}" for category, type_id in specs]
        return cls(
            {
                "associationSpec": named,
                "INVALID_ASSOCIATION_TYPE_ID": [
                    f"{spec} is not a valid association definition id" for spec in named
                ],
            }
        )


class ObjectNotFound(HubSpotError):
    """A single record addressed by the path does not exist (or is archived)."""

    def __init__(self, message: str = "resource not found", ids: list[str] | None = None) -> None:
        super().__init__(
            message,
            status_code=404,
            category="OBJECT_NOT_FOUND",
            context={"ids": ids} if ids is not None else None,
        )


class ResourceNotFound(HubSpotError):
    """A definition (property, pipeline) or a path that does not exist."""

    def __init__(self, message: str) -> None:
        super().__init__(message, status_code=404, category="OBJECT_NOT_FOUND")


class ObjectTypeNotServed(ResourceNotFound):
    """The path names a HubSpot object type that Spoke does not serve."""

    def __init__(self, object_type: str, served: str) -> None:
        super().__init__(f"Spoke serves only {served}, not {object_type}")


class Conflict(HubSpotError):
    """The write collides with existing data, such as a unique value already in use."""

    def __init__(self, message: str, context: dict[str, list[str]] | None = None) -> None:
        super().__init__(message, status_code=409, category="CONFLICT", context=context)


class PropertyAlreadyExists(HubSpotError):
    """A property with that name is already defined (or archived: names are not reused)."""

    def __init__(self, name: str, archived: bool = False) -> None:
        super().__init__(
            f"Property named '{name}' already exists."
            + (" It is archived; archived property names cannot be reused." if archived else ""),
            status_code=409,
            category="OBJECT_ALREADY_EXISTS",
        )


class PropertyGroupAlreadyExists(HubSpotError):
    """A live property group with that name is already defined."""

    def __init__(self, name: str) -> None:
        super().__init__(
            f"Property group named '{name}' already exists.",
            status_code=409,
            category="OBJECT_ALREADY_EXISTS",
        )


class MethodNotAllowed(HubSpotError):
    """The path exists, but not with this HTTP method."""

    def __init__(self, method: str, path: str) -> None:
        super().__init__(
            f"Method {method} is not allowed on {path}",
            status_code=405,
            category="VALIDATION_ERROR",
        )


class BodyTooLarge(HubSpotError):
    """413: the request body is larger than Spoke reads (docs/behaviour.md, "Limits")."""

    def __init__(self, limit: int) -> None:
        super().__init__(
            f"The request body is larger than the {limit} bytes Spoke accepts. "
            "Send fewer inputs in each request",
            status_code=413,
            category="VALIDATION_ERROR",
        )


class StatementTimedOut(HubSpotError):
    """504: the request's work in the database ran past its time limit and was cancelled;
    HubSpot answers 502/504 when its processing limits are met."""

    def __init__(self) -> None:
        super().__init__(
            "The request took longer than Spoke's processing limit and was stopped. "
            "Narrow it (fewer words, filters or values) and try again",
            status_code=504,
            category="TIMEOUT",
        )


class InternalError(HubSpotError):
    """A bug in Spoke; answered in HubSpot's envelope, never with a stack trace."""

    def __init__(self) -> None:
        super().__init__(
            "An unexpected error occurred; see the server log",
            status_code=500,
            category="INTERNAL_ERROR",
        )


class InvalidAuthentication(HubSpotError):
    """No bearer token, or one that Spoke does not know."""

    def __init__(self) -> None:
        super().__init__(
            "Authentication credentials not found. This API supports OAuth 2.0 "
            f"authentication and you can find more details at {AUTH_DOCS}",
            status_code=401,
            category="INVALID_AUTHENTICATION",
        )


class ExpiredAuthentication(HubSpotError):
    """A known token whose expiry has passed."""

    def __init__(self, ago: str, expired_at: str) -> None:
        super().__init__(
            f"The OAuth token used to make this call expired {ago} ago.",
            status_code=401,
            category="EXPIRED_AUTHENTICATION",
            context={"expire time": [expired_at]},
        )


class MissingScopes(HubSpotError):
    """A valid token that lacks a scope the operation needs."""

    def __init__(self, required: Sequence[str]) -> None:
        super().__init__(
            "This app hasn't been granted all required scopes to make this call. "
            f"Read more about required scopes here: {SCOPES_DOCS}.",
            status_code=403,
            category="MISSING_SCOPES",
            errors=[
                {
                    "message": "One or more of the following scopes are required.",
                    "context": {"requiredGranularScopes": list(required)},
                }
            ],
            links={"scopes": SCOPES_DOCS},
        )


class RateLimited(HubSpotError):
    """429: the app has used up its requests of the rolling ten-second window.

    HubSpot's real 429s carry ``errorType``, ``policyName`` and ``groupName`` instead of
    ``category`` (behaviour.md section 9); this is the private-app variant.
    """

    def __init__(self, app_id: int, portal_id: int) -> None:
        super().__init__(
            "You have reached your ten_secondly_rolling limit.",
            status_code=429,
            category="RATE_LIMIT",
        )
        self.group_name = f"publicapi:private_app-api-calls-ten-secondly:{app_id}:{portal_id}"

    def envelope(self, correlation_id: str) -> Json:
        return {
            "status": "error",
            "message": self.message,
            "errorType": "RATE_LIMIT",
            "correlationId": correlation_id,
            "policyName": "TEN_SECONDLY_ROLLING",
            "groupName": self.group_name,
        }


def error_body(error: HubSpotError, correlation_id: str) -> bytes:
    """The compact JSON body HubSpot sends for ``error``."""
    return orjson.dumps(error.envelope(correlation_id))


def no_associations_entry(from_singular: str, from_id: str, to_singular: str) -> Json:
    """The 207 entry of an associations batch read for a record with none (or no record):
    ``No company is associated with deal 515690208449.``"""
    return {
        "status": "error",
        "category": "OBJECT_NOT_FOUND",
        "subCategory": "crm.associations.NO_ASSOCIATIONS_FOUND",
        "message": f"No {to_singular} is associated with {from_singular} {from_id}.",
        "context": {
            "fromObjectId": [from_id],
            "fromObjectType": [from_singular],
            "toObjectType": [to_singular],
        },
    }


def batch_error_entry(category: str, message: str, context: Mapping[str, list[str]]) -> Json:
    """One entry of a 207 response's ``errors`` list (no correlation id, no ``errors``)."""
    return {"status": "error", "category": category, "message": message, "context": dict(context)}
