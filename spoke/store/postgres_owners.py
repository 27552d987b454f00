"""Owners on PostgreSQL (``Store.add_owner`` and ``archive_owner``), inside a
transaction; ids come from sequences (an id of a transaction that rolls back is not
reused)."""

from __future__ import annotations

import psycopg
from psycopg.rows import TupleRow

from spoke.domain.owners import NewOwner, Owner, Team
from spoke.store.base import OwnerExists
from spoke.store.owner_rows import OWNER_COLUMNS, new_owner, owner_row

Connection = psycopg.Connection[TupleRow]


def add_owner(db: Connection, owner: NewOwner, at: int) -> Owner:
    row = db.execute("SELECT nextval('owner_ids'), nextval('owner_user_ids')").fetchone()
    assert row is not None
    owner_id, user_id = row
    try:
        db.execute(
            f"INSERT INTO owners ({OWNER_COLUMNS}) VALUES (%s, %s, %s, %s, %s, %s, %s, %s, %s)",
            owner_row(owner_id, user_id, owner, at),
        )
    except psycopg.errors.UniqueViolation:
        raise OwnerExists(owner.email) from None
    teams = []
    for position, name in enumerate(owner.team_names):
        db.execute(
            "INSERT INTO teams (id, name) VALUES (nextval('team_ids'), %s) "
            "ON CONFLICT (name) DO NOTHING",
            (name,),
        )
        found = db.execute("SELECT id FROM teams WHERE name = %s", (name,)).fetchone()
        assert found is not None
        teams.append(Team(found[0], name, primary=position == 0))
    with db.cursor() as cursor:
        cursor.executemany(
            "INSERT INTO owner_teams (owner_id, team_id, is_primary) VALUES (%s, %s, %s)",
            [(owner_id, team.id, team.primary) for team in teams],
        )
    return new_owner(owner_id, user_id, owner, teams, at)


def archive_owner(db: Connection, owner_id: int, at: int) -> bool:
    cursor = db.execute(
        "UPDATE owners SET archived_at = %s, updated_at = %s WHERE id = %s AND archived_at IS NULL",
        (at, at, owner_id),
    )
    return cursor.rowcount == 1
