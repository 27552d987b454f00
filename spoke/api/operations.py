"""What the route table lists: one operation, its handler and what documents it."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from spoke.api.auth import Handler, TypeOfPath
from spoke.domain.object_types import Access

#: The path parameter that names the object type (the one whose scopes are required).
OBJECT_TYPE_PARAMETER = "object_type"
#: The path parameter that names the other object type of an association.
TO_OBJECT_TYPE_PARAMETER = "to_object_type"


@dataclass(frozen=True)
class Operation:
    method: str
    path: str
    handler: Handler
    summary: str
    request: Any = None
    """The body's type: a Struct, or a list of one (``None``: no body)."""
    responses: Mapping[int, type | None] = field(default_factory=dict)
    query: Sequence[str] = ()
    tag: str = "Objects"
    access: Access = Access.READ
    type_of: TypeOfPath | None = None
    """The object type the request's path names (set by :func:`route_table`)."""
    type_names: tuple[str, ...] = ()
    """The names ``{object_type}`` may take here (for the OpenAPI document)."""
    scopes: tuple[str, ...] = ()
    """Every scope that some served type accepts here (for the OpenAPI document)."""
    other_type_names: tuple[str, ...] = ()
    """The names ``{to_object_type}`` may take here, if the path has it."""

    @property
    def path_parameter_values(self) -> Mapping[str, Sequence[str]]:
        """The values a path parameter may take, where they are few."""
        values = {OBJECT_TYPE_PARAMETER: self.type_names}
        if self.other_type_names:
            values[TO_OBJECT_TYPE_PARAMETER] = self.other_type_names
        return values
