"""An operation of the route table, and how it learns the object type its path names.

Most operations name an object type in their path (``{object_type}``): they are *typed*,
and the type decides the scopes they take. A few name none (the custom object schemas)
and take fixed scopes; a few name one type in a literal path (``/companies/v2/properties``).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from typing import Any

from starlette.requests import Request

from spoke.api.auth import Admitted, Handler, TypeOfPath, scoped, typed
from spoke.api.hubspot_paths import check_hubspot_path
from spoke.domain.object_types import Access, ObjectType, ObjectTypes
from spoke.errors import ObjectTypeNotServed, UnknownObjectType
from spoke.store.base import TokenRecord

#: The path parameter that names the object type (the one whose scopes are required).
OBJECT_TYPE_PARAMETER = "object_type"
#: The path parameter that names the other object type of an association.
TO_OBJECT_TYPE_PARAMETER = "to_object_type"


@dataclass(frozen=True)
class Operation:
    method: str
    path: str
    handler: Handler | None
    """What answers once the object type is known (``None`` for an untyped operation)."""
    summary: str
    request: Any = None
    """The body's type: a Struct, or a list of one (``None``: no body)."""
    responses: Mapping[int, object] = field(default_factory=dict)
    """Each status and the type its body has (``None``: no body)."""
    query: Sequence[str] = ()
    tag: str = "Objects"
    access: Access = Access.READ
    type_of: TypeOfPath | None = None
    """The object type the request's path names (set by :func:`typed_by`)."""
    type_names: tuple[str, ...] = ()
    """The names ``{object_type}`` may take here (for the OpenAPI document)."""
    scopes: tuple[str, ...] = ()
    """Every scope that some served type accepts here; an untyped operation's own."""
    untyped: Admitted | None = None
    """What answers an operation whose path names no object type."""
    other_type_names: tuple[str, ...] = ()
    """The names ``{to_object_type}`` may take here, if the path has it."""

    @property
    def path_parameter_values(self) -> Mapping[str, Sequence[str]]:
        """The values a path parameter may take, where they are few."""
        values = {OBJECT_TYPE_PARAMETER: self.type_names} if self.type_names else {}
        if self.other_type_names:
            values[TO_OBJECT_TYPE_PARAMETER] = self.other_type_names
        return values

    def admitted(self) -> Admitted:
        """The handler behind its checks: the object type, then the scopes."""
        if self.untyped is not None:
            return scoped(self.scopes, self.untyped)
        assert self.handler is not None and self.type_of is not None, self.path
        return typed(self.access, self.type_of, self.handler)


def typed_by(
    resolve: Callable[[str], ObjectType], types: Sequence[ObjectType], names: tuple[str, ...]
) -> Callable[[Operation], Operation]:
    """Gives an operation the object type its path names (with ``resolve``), the names it
    may take and the scopes the ``types`` accept for it."""

    def type_of(request: Request, token: TokenRecord) -> ObjectType:
        try:
            return resolve(request.path_params[OBJECT_TYPE_PARAMETER])
        except (ObjectTypeNotServed, UnknownObjectType):
            check_hubspot_path(request, token)  # HubSpot's 403 first, to a token without
            raise  # the path's scopes; else Spoke's 404 (or HubSpot's 400)

    def typed_operation(op: Operation) -> Operation:
        scopes = tuple(dict.fromkeys(s for t in types for s in t.scopes.for_access(op.access)))
        return replace(op, type_of=type_of, type_names=names, scopes=scopes)

    return typed_operation


def of_type(object_type: ObjectType) -> Callable[[Operation], Operation]:
    """Gives an operation whose literal path belongs to ``object_type`` that type."""

    def type_of(request: Request, token: TokenRecord) -> ObjectType:
        return object_type

    def typed_operation(op: Operation) -> Operation:
        scopes = object_type.scopes.for_access(op.access)
        return replace(op, type_of=type_of, scopes=scopes)

    return typed_operation


def among(
    object_types: ObjectTypes, names: Sequence[str]
) -> tuple[Callable[[str], ObjectType], list[ObjectType], tuple[str, ...]]:
    """A resolver that takes only ``names`` (those of served types), the types they name
    and the names: for HubSpot's legacy paths, which took fewer names than its v3 ones.
    Any other name is resolved as on v3 paths (HubSpot's 400 for a name it has no type
    for, a 404 for a type Spoke does not serve) or, for a served type, refused with a
    404 naming the ones served here."""
    taken = {n: t for t in object_types for n in t.names if n in names}
    here = ", ".join(f"{n} (object type {t.type_id})" for n, t in taken.items())

    def resolve(name: str) -> ObjectType:
        found = taken.get(name)
        if found is None:
            object_types.resolve(name)
            raise ObjectTypeNotServed(name, f"{here} on this path")
        return found

    types = [t for t in object_types if t in taken.values()]
    return resolve, types, tuple(taken)
