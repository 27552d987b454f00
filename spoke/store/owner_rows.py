"""Owner rows as both SQL backends store them (migration 0010): the one place that knows
their column layout. Only the SQL dialect, and how ids are allocated, differ."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Any

from spoke.domain.owners import NewOwner, Owner, Team

#: Columns of ``owner_row``, in order.
OWNER_COLUMNS = (
    "id, user_id, email, first_name, last_name, type, created_at, updated_at, archived_at"
)

#: Every owner with its teams, in one statement (so one consistent state): a row per
#: team (or one row, team columns null, for an owner in none), primary team first.
SELECT_OWNERS = (
    "SELECT o.id, o.user_id, o.email, o.first_name, o.last_name, o.type, o.created_at, "
    "o.updated_at, o.archived_at, t.id, t.name, m.is_primary FROM owners o "
    "LEFT JOIN owner_teams m ON m.owner_id = o.id LEFT JOIN teams t ON t.id = m.team_id "
    "ORDER BY o.id, m.is_primary DESC, t.name"
)


def owner_row(owner_id: int, user_id: int, owner: NewOwner, at: int) -> tuple[Any, ...]:
    """The ``OWNER_COLUMNS`` of a new owner."""
    return (
        owner_id,
        user_id,
        owner.email,
        owner.first_name,
        owner.last_name,
        owner.type,
        at,
        at,
        None,
    )


def new_owner(
    owner_id: int, user_id: int, owner: NewOwner, teams: Sequence[Team], at: int
) -> Owner:
    return Owner(
        owner_id,
        user_id,
        owner.email,
        owner.first_name,
        owner.last_name,
        owner.type,
        tuple(teams),
        at,
        at,
    )


def owners_from_rows(rows: Iterable[Sequence[Any]]) -> list[Owner]:
    """The owners ``SELECT_OWNERS`` read, in id order."""
    found: dict[int, tuple[Sequence[Any], list[Team]]] = {}
    for row in rows:
        _, teams = found.setdefault(row[0], (row, []))
        if row[9] is not None:
            teams.append(Team(row[9], row[10], bool(row[11])))
    return [
        Owner(r[0], r[1], r[2], r[3], r[4], r[5], tuple(teams), r[6], r[7], r[8])
        for r, teams in found.values()
    ]
