"""Property groups of tickets (``/crm/v3/properties/tickets/groups``), with HubSpot's rules.

Groups live in the store; HubSpot's standard ticket group ``ticketinformation`` is there
from the first migration. Archiving is soft: an archived group is no longer listed or
readable, and a group of the same name may be created again (it takes the archived
one's place). A group that still holds properties cannot be archived.
"""

from __future__ import annotations

from dataclasses import replace

from spoke.domain.catalogue import Catalogue
from spoke.domain.instants import now_ms
from spoke.domain.properties import PropertyGroup
from spoke.errors import Conflict, PropertyGroupAlreadyExists, ResourceNotFound, ValidationError
from spoke.store.base import DefinitionChanged, PropertyGroupExists, Store


def live_groups(store: Store) -> dict[str, PropertyGroup]:
    """The groups that are not archived, by name."""
    return {g.name: g for g in store.property_groups() if g.archived_at is None}


def find_group(store: Store, name: str) -> PropertyGroup:
    group = live_groups(store).get(name)
    if group is None:
        raise ResourceNotFound(f"Unable to find property group {name} on object type TICKET")
    return group


def create_group(store: Store, group: PropertyGroup) -> PropertyGroup:
    """Store a new group; an archived group of that name is replaced by it."""
    _check_label(group.label)
    existing = {g.name: g for g in store.property_groups()}.get(group.name)
    if existing is not None and existing.archived_at is None:
        raise PropertyGroupAlreadyExists(group.name)
    try:
        if existing is None:
            store.insert_property_group(group)
        else:
            store.replace_property_group(existing, group)
    except (PropertyGroupExists, DefinitionChanged):
        raise PropertyGroupAlreadyExists(group.name) from None
    return group


def update_group(
    store: Store,
    name: str,
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
    current = find_group(store, name)
    updated = replace(
        current,
        label=current.label if label is None else label,
        display_order=current.display_order if display_order is None else display_order,
    )
    if updated != current:
        _replace(store, current, updated)
    return updated


def archive_group(store: Store, catalogue: Catalogue, name: str) -> None:
    """Archive a group that holds no live property (400 if it does, 404 if none)."""
    current = find_group(store, name)
    held = sorted(d.name for d in catalogue.current().all() if d.group_name == name)
    if held:
        shown = ", ".join(held[:10]) + (f" and {len(held) - 10} more" if len(held) > 10 else "")
        raise ValidationError(
            f"Unable to archive property group {name}: it still holds properties ({shown}). "
            "Move them to another group, or archive them, first"
        )
    _replace(store, current, replace(current, archived_at=now_ms()))


def _check_label(label: str) -> None:
    if "\x00" in label:  # PostgreSQL's text cannot hold it
        raise ValidationError("A property group label may not contain the character U+0000")


def _replace(store: Store, before: PropertyGroup, after: PropertyGroup) -> None:
    try:
        store.replace_property_group(before, after)
    except DefinitionChanged:
        raise Conflict(
            f"Property group {before.name} was changed by another request; try again"
        ) from None
