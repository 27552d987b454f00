"""The labels API: the association types between two object types, and the portal's own
labels (USER_DEFINED types) created, renamed and deleted (docs/behaviour.md,
"Association labels").

A label is created between two object types that can be associated, as a pair of types:
one from the first type to the second (its ``label``) and its inverse (its
``inverseLabel``, or the same label when none is given), each with its own type id, new
and never one of HubSpot's. Label changes move the definitions version, so association
writes (which hold it) never see a label go under them. Deleting a label removes it from
every association that has it; the associations stay, with their other types.
"""

from __future__ import annotations

from collections.abc import Sequence

from spoke.domain.associations.definitions import (
    HUBSPOT_DEFINED_IDS,
    USER_DEFINED,
    AssociationDefinition,
    AssociationDefinitions,
    AssociationLabel,
)
from spoke.domain.associations.writes import require_associable
from spoke.domain.object_types import ObjectType
from spoke.errors import Conflict, ResourceNotFound, ValidationError
from spoke.store.base import Store, Transaction


class LabelEditor:
    def __init__(self, store: Store) -> None:
        self._store = store

    def between(
        self, from_type: ObjectType, to_type: ObjectType
    ) -> Sequence[AssociationDefinition]:
        """Every type from ``from_type`` to ``to_type``: HubSpot's, then the labels."""
        definitions = AssociationDefinitions(self._store.association_labels())
        return definitions.between(from_type.type_id, to_type.type_id)

    def create(
        self,
        from_type: ObjectType,
        to_type: ObjectType,
        name: str,
        label: str,
        inverse_label: str | None,
    ) -> list[AssociationDefinition]:
        """A new label and its inverse, in that order."""
        name, label = _required("name", name), _required("label", label)
        inverse = _required("inverseLabel", inverse_label) if inverse_label is not None else label
        with self._store.transaction() as tx:
            tx.change_definitions()
            labels = self._store.association_labels()
            require_associable(AssociationDefinitions(labels), from_type, to_type)
            pair = {from_type.type_id, to_type.type_id}
            if any(
                s.name == name and {s.from_object_type, s.to_object_type} == pair for s in labels
            ):
                raise Conflict(
                    f"An association label named {name} already exists between "
                    f"{from_type.name} and {to_type.name}"
                )
            forward_id, inverse_id = _new_type_ids(tx)
            created = [
                AssociationLabel(
                    forward_id, from_type.type_id, to_type.type_id, name, label, inverse_id
                ),
                AssociationLabel(
                    inverse_id, to_type.type_id, from_type.type_id, name, inverse, forward_id
                ),
            ]
            tx.save_association_labels(created)
        definitions = AssociationDefinitions(created)
        return [
            d for d in (definitions.get((USER_DEFINED, i)) for i in (forward_id, inverse_id)) if d
        ]

    def update(
        self,
        from_type: ObjectType,
        to_type: ObjectType,
        type_id: int,
        label: str,
        inverse_label: str | None,
    ) -> None:
        """Rename label ``type_id`` (and its inverse, given ``inverse_label``)."""
        label = _required("label", label)
        inverse = _required("inverseLabel", inverse_label) if inverse_label is not None else None
        with self._store.transaction() as tx:
            tx.change_definitions()
            found, its_inverse = self._find(from_type, to_type, type_id)
            renamed = [_renamed(found, label)]
            if inverse is not None:
                renamed.append(_renamed(its_inverse, inverse))
            tx.save_association_labels(renamed)

    def delete(self, from_type: ObjectType, to_type: ObjectType, type_id: int) -> None:
        """Delete label ``type_id`` and its inverse, and take them off every association."""
        with self._store.transaction() as tx:
            tx.change_definitions()
            found, its_inverse = self._find(from_type, to_type, type_id)
            tx.delete_association_labels([found.type_id, its_inverse.type_id])

    def _find(
        self, from_type: ObjectType, to_type: ObjectType, type_id: int
    ) -> tuple[AssociationLabel, AssociationLabel]:
        """Label ``type_id`` between the two types (either direction), and its inverse."""
        if type_id in HUBSPOT_DEFINED_IDS:
            raise ValidationError(
                f"Association type {type_id} is defined by HubSpot: only labels "
                "(USER_DEFINED association types) can be changed or deleted"
            )
        labels = {s.type_id: s for s in self._store.association_labels()}
        found = labels.get(type_id)
        pair = {from_type.type_id, to_type.type_id}
        if found is None or {found.from_object_type, found.to_object_type} != pair:
            raise ResourceNotFound(
                f"No association label with typeId {type_id} exists between "
                f"{from_type.name} and {to_type.name}"
            )
        return found, labels[found.inverse_type_id]


def _required(field: str, value: str) -> str:
    if not value.strip():
        raise ValidationError(f"{field} must not be empty")
    return value


def _renamed(label: AssociationLabel, text: str) -> AssociationLabel:
    return AssociationLabel(
        label.type_id,
        label.from_object_type,
        label.to_object_type,
        label.name,
        text,
        label.inverse_type_id,
    )


def _new_type_ids(tx: Transaction) -> tuple[int, int]:
    """Two new label type ids, none of them one of HubSpot's own type ids."""
    ids: list[int] = []
    while len(ids) < 2:
        ids += [i for i in tx.allocate_association_type_ids(2) if i not in HUBSPOT_DEFINED_IDS]
    return ids[0], ids[1]
