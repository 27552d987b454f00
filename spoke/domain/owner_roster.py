"""Adding and archiving owners: what ``spoke owner`` does, since HubSpot's API has no
owner writes (its owners are its users), and the demo owners of the demo data."""

from __future__ import annotations

from collections.abc import Sequence

from spoke.domain.instants import now_ms
from spoke.domain.owners import NewOwner, Owner, Owners, check_new_owner, owner_exists
from spoke.errors import ResourceNotFound
from spoke.store.base import OwnerExists, Store


def add_owner(store: Store, owner: NewOwner) -> Owner:
    """Store a new owner (checked by :func:`check_new_owner`); every worker sees it on its
    next request."""
    checked = check_new_owner(owner, Owners(store.owners()))
    try:
        return store.add_owner(checked, now_ms())
    except OwnerExists:  # another process added it meanwhile
        raise owner_exists(checked.email) from None


def archive_owner(store: Store, owner_id: int) -> None:
    """Archive a live owner, as HubSpot does when its user is deactivated: records keep
    the id it had in ``hubspot_owner_id``, and no write may name it any more."""
    if not store.archive_owner(owner_id, now_ms()):
        raise ResourceNotFound(f"No live owner has id {owner_id}")


def ensure_owners(store: Store, owners: Sequence[NewOwner]) -> list[Owner]:
    """The live owners of the portal, once ``owners`` are added to a portal that has none."""
    live = list(Owners(store.owners()).live)
    if live:
        return live
    return [add_owner(store, owner) for owner in owners]
