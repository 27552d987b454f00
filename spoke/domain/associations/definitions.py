"""The association types between two object types: HubSpot's own (HUBSPOT_DEFINED, from
:mod:`spoke.domain.standard_objects.associations`) and the portal's labels (USER_DEFINED,
stored), found by ``(category, typeId)``, by pair of object types and by v3 name.

An association between two records is a set of types in each direction: every type has
an inverse (the same association seen from the other record), and every association
holds its pair's default type, the unlabeled HUBSPOT_DEFINED one.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from spoke.domain.standard_objects.associations import ASSOCIATION_TYPES, AssociationType

HUBSPOT_DEFINED = "HUBSPOT_DEFINED"
USER_DEFINED = "USER_DEFINED"

#: ``(category, typeId)``: what a request names an association type by.
TypeKey = tuple[str, int]


@dataclass(frozen=True, slots=True)
class AssociationLabel:
    """A USER_DEFINED association type, in one direction: labels come in pairs (its
    ``inverse_type_id``), one type id for each direction."""

    type_id: int
    from_object_type: str
    to_object_type: str
    name: str
    """The definition's internal name, as created; also its v3 association type name."""
    label: str
    inverse_type_id: int


@dataclass(frozen=True, slots=True)
class AssociationDefinition:
    """One association type in one direction, of either category."""

    category: str
    type_id: int
    from_object_type: str
    to_object_type: str
    label: str | None
    """``None`` (JSON ``null``) for the unlabeled default type."""
    name: str
    """The v3 association type name (``ticket_to_contact``)."""
    inverse_type_id: int
    one_per_record: bool = False
    """A record has at most one association of this type (its primary company)."""

    @property
    def key(self) -> TypeKey:
        return (self.category, self.type_id)

    @property
    def inverse_key(self) -> TypeKey:
        return (self.category, self.inverse_type_id)

    @property
    def is_default(self) -> bool:
        return self.category == HUBSPOT_DEFINED and self.label is None


def _hubspot_defined(t: AssociationType) -> AssociationDefinition:
    return AssociationDefinition(
        HUBSPOT_DEFINED,
        t.type_id,
        t.from_type_id,
        t.to_type_id,
        t.label,
        t.name,
        t.inverse_type_id,
        t.one_per_record,
    )


def _user_defined(label: AssociationLabel) -> AssociationDefinition:
    return AssociationDefinition(
        USER_DEFINED,
        label.type_id,
        label.from_object_type,
        label.to_object_type,
        label.label,
        label.name,
        label.inverse_type_id,
    )


#: HubSpot's own types, which every portal has.
_HUBSPOT_DEFINITIONS = tuple(_hubspot_defined(t) for t in ASSOCIATION_TYPES)
#: Their type ids, which no label is given (so a bare typeId names one type).
HUBSPOT_DEFINED_IDS = frozenset(d.type_id for d in _HUBSPOT_DEFINITIONS)


class AssociationDefinitions:
    """Every association type in force: HubSpot's, and the ``labels`` stored."""

    def __init__(self, labels: Iterable[AssociationLabel] = ()) -> None:
        definitions = (*_HUBSPOT_DEFINITIONS, *(_user_defined(label) for label in labels))
        self._by_key = {d.key: d for d in definitions}
        self._between: dict[tuple[str, str], list[AssociationDefinition]] = {}
        for definition in sorted(definitions, key=lambda d: d.key):
            pair = (definition.from_object_type, definition.to_object_type)
            self._between.setdefault(pair, []).append(definition)

    def get(self, key: TypeKey) -> AssociationDefinition | None:
        return self._by_key.get(key)

    def inverse(self, definition: AssociationDefinition) -> AssociationDefinition:
        return self._by_key[definition.inverse_key]

    def between(
        self, from_object_type: str, to_object_type: str
    ) -> Sequence[AssociationDefinition]:
        """The types from one object type to another: HubSpot's first, then the labels,
        each by type id (empty for a pair HubSpot does not associate)."""
        return self._between.get((from_object_type, to_object_type), ())

    def default(self, from_object_type: str, to_object_type: str) -> AssociationDefinition | None:
        """The pair's unlabeled type, which every association between them holds."""
        return next(
            (d for d in self.between(from_object_type, to_object_type) if d.is_default), None
        )

    def named(
        self, from_object_type: str, to_object_type: str, name: str
    ) -> AssociationDefinition | None:
        """The pair's type with v3 name ``name`` (in any letter case; HubSpot's own first)."""
        wanted = name.lower()
        return next(
            (d for d in self.between(from_object_type, to_object_type) if d.name.lower() == wanted),
            None,
        )
