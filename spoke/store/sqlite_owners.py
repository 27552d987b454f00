"""Owners on SQLite (``Store.add_owner`` and ``archive_owner``), inside a transaction
(``BEGIN IMMEDIATE`` holds the write lock, so ids are counted up safely)."""

from __future__ import annotations

import sqlite3

from spoke.domain.owners import NewOwner, Owner, Team
from spoke.store.base import OwnerExists
from spoke.store.owner_rows import OWNER_COLUMNS, new_owner, owner_row


def add_owner(db: sqlite3.Connection, owner: NewOwner, at: int) -> Owner:
    owner_id, user_id = db.execute(
        "UPDATE owner_ids SET last_owner_id = last_owner_id + 1, last_user_id = last_user_id + 1 "
        "RETURNING last_owner_id, last_user_id"
    ).fetchone()
    try:
        db.execute(
            f"INSERT INTO owners ({OWNER_COLUMNS}) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
            owner_row(owner_id, user_id, owner, at),
        )
    except sqlite3.IntegrityError:
        raise OwnerExists(owner.email) from None
    teams = []
    for position, name in enumerate(owner.team_names):
        row = db.execute("SELECT id FROM teams WHERE name = ?", (name,)).fetchone()
        if row is None:
            row = db.execute(
                "UPDATE owner_ids SET last_team_id = last_team_id + 1 RETURNING last_team_id"
            ).fetchone()
            db.execute("INSERT INTO teams (id, name) VALUES (?, ?)", (row[0], name))
        teams.append(Team(row[0], name, primary=position == 0))
    db.executemany(
        "INSERT INTO owner_teams (owner_id, team_id, is_primary) VALUES (?, ?, ?)",
        [(owner_id, team.id, int(team.primary)) for team in teams],
    )
    return new_owner(owner_id, user_id, owner, teams, at)


def archive_owner(db: sqlite3.Connection, owner_id: int, at: int) -> bool:
    return (
        db.execute(
            "UPDATE owners SET archived_at = ?, updated_at = ? "
            "WHERE id = ? AND archived_at IS NULL",
            (at, at, owner_id),
        ).rowcount
        == 1
    )
