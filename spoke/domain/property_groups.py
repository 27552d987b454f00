"""Property groups of an object type (``/crm/v3/properties/{objectType}/groups``), with
HubSpot's rules.

Groups live in the store, per object type; the type's standard groups
(``ObjectType.groups``, tickets' ``ticketinformation``) are stored when the database is
migrated. Archiving is soft: an archived group is no longer listed or
readable, and a group of the same name may be created again (it takes the archived
one's place). A group that still holds properties cannot be archived.
"""

from __future__ import annotations

from dataclasses import replace

from spoke.domain.catalogue import Catalogue
from spoke.domain.instants import now_ms
from spoke.domain.object_types import ObjectType
from spoke.domain.properties import PropertyGroup
from spoke.errors import Conflict, PropertyGroupAlreadyExists, ResourceNotFound, ValidationError
from spoke.store.base import DefinitionChanged, PropertyGroupExists, Store


def live_groups(store: Store, object_type: ObjectType) -> dict[str, PropertyGroup]:
    """The type's groups that are not archived, by name."""
    groups = store.property_groups(object_type.type_id)
    return {g.name: g for g in groups if g.archived_at is None}


def find_group(store: Store, object_type: ObjectType, name: str) -> PropertyGroup:
    group = live_groups(store, object_type).get(name)
    if group is None:
        raise ResourceNotFound(
            f"Unable to find property group {name} on object type {object_type.label}"
        )
    return group


def create_group(store: Store, object_type: ObjectType, group: PropertyGroup) -> PropertyGroup:
    """Store a new group; an archived group of that name is replaced by it."""
    _check_label(group.label)
    type_id = object_type.type_id
    existing = {g.name: g for g in store.property_groups(type_id)}.get(group.name)
    if existing is not None and existing.archived_at is None:
        raise PropertyGroupAlreadyExists(group.name)
    try:
        if existing is None:
            store.insert_property_group(type_id, group)
        else:
            store.replace_property_group(type_id, existing, group)
    except (PropertyGroupExists, DefinitionChanged):
        raise PropertyGroupAlreadyExists(group.name) from None
    return group


def update_group(
    store: Store,
    object_type: ObjectType,
    name: str,
    *,
    label: str | None,
    display_order: int | None,
    new_name: str | None = None,
) -> PropertyGroup:
    """Change a live group's label and display order (``None`` keeps them); its name may
    be sent back but not changed."""
    if new_name is not None and new_name != name:
        raise ValidationError(
            f"The name of property group {name} cannot be changed (asked for {new_name})"
        )
    if label is not None:
        _check_label(label)
    current = find_group(store, object_type, name)
    updated = replace(
        current,
        label=current.label if label is None else label,
        display_order=current.display_order if display_order is None else display_order,
    )
    if updated != current:
        _replace(store, object_type, current, updated)
    return updated


def archive_group(store: Store, catalogue: Catalogue, object_type: ObjectType, name: str) -> None:
    """Archive a group that holds no live property (400 if it does, 404 if none)."""
    current = find_group(store, object_type, name)
    properties = catalogue.current(object_type).all()
    held = sorted(d.name for d in properties if d.group_name == name)
    if held:
        shown = ", ".join(held[:10]) + (f" and {len(held) - 10} more" if len(held) > 10 else "")
        raise ValidationError(
            f"Unable to archive property group {name}: it still holds properties ({shown}). "
            "Move them to another group, or archive them, first"
        )
    _replace(store, object_type, current, replace(current, archived_at=now_ms()))


def _check_label(label: str) -> None:
    if "\x00" in label:  # PostgreSQL's text cannot hold it
        raise ValidationError("A property group label may not contain the character U+0000")


def _replace(
    store: Store, object_type: ObjectType, before: PropertyGroup, after: PropertyGroup
) -> None:
    try:
        store.replace_property_group(object_type.type_id, before, after)
    except DefinitionChanged:
        raise Conflict(
            f"Property group {before.name} was changed by another request; try again"
        ) from None
