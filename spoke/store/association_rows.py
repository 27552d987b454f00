"""Association rows as both SQL backends store them (migrations 0009): the one place that
knows the column layout of ``associations`` and ``association_labels``."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from spoke.domain.associations.definitions import USER_DEFINED, AssociationLabel
from spoke.store.base import StoredAssociation

#: Columns of ``associations``, in the order of :class:`StoredAssociation`'s fields.
ASSOCIATION_COLUMNS = "from_object_type, from_id, to_object_type, to_id, category, type_id"
#: Columns of ``association_labels``, in the order of :class:`AssociationLabel`'s fields.
LABEL_COLUMNS = "type_id, from_object_type, to_object_type, name, label, inverse_type_id"
#: The category of every stored label's associations.
LABEL_CATEGORY = USER_DEFINED


def association_from_row(row: Sequence[Any]) -> StoredAssociation:
    return StoredAssociation(row[0], row[1], row[2], row[3], row[4], row[5])


def association_row(association: StoredAssociation) -> tuple[Any, ...]:
    a = association
    return (a.from_object_type, a.from_id, a.to_object_type, a.to_id, a.category, a.type_id)


def association_columns(rows: Sequence[StoredAssociation]) -> tuple[list[Any], ...]:
    """``rows`` as one list per column (for PostgreSQL's ``unnest``)."""
    return tuple(list(column) for column in zip(*map(association_row, rows), strict=True))


def label_from_row(row: Sequence[Any]) -> AssociationLabel:
    return AssociationLabel(row[0], row[1], row[2], row[3], row[4], row[5])


def label_row(label: AssociationLabel) -> tuple[Any, ...]:
    return (
        label.type_id,
        label.from_object_type,
        label.to_object_type,
        label.name,
        label.label,
        label.inverse_type_id,
    )
