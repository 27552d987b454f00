"""A create writes the search index rows of every value its records end up with, those
it was sent and those it sets itself (creation and modification times, the time the
record entered its stage, its id): the same rows as building the index from the stored
records (spoke/domain/writes.py keys the values sent before the write lock and the rest
inside it)."""

from __future__ import annotations

import sqlite3
from contextlib import closing
from pathlib import Path

from spoke.domain.catalogue import Catalogue
from spoke.domain.object_types import ObjectTypes
from spoke.domain.search_index import ensure_search_index
from spoke.domain.standard_objects import STANDARD_OBJECT_TYPES, TICKETS
from spoke.domain.writes import ObjectWriter, WriteSource
from spoke.store import open_store

Rows = list[tuple[object, ...]]


def index_rows(database: Path) -> tuple[Rows, Rows]:
    with closing(sqlite3.connect(database)) as db:
        return (
            db.execute("SELECT * FROM search_text ORDER BY 1, 2, 3, 4").fetchall(),
            db.execute("SELECT * FROM search_numbers ORDER BY 1, 2, 3, 4").fetchall(),
        )


def test_a_batch_create_indexes_what_building_the_index_would(tmp_path: Path) -> None:
    database = tmp_path / "spoke.db"
    store = open_store(f"sqlite:///{database}")
    store.migrate()
    try:
        catalogue = Catalogue(store, ObjectTypes(STANDARD_OBJECT_TYPES))
        writer = ObjectWriter(store, catalogue)
        tickets = [
            {"subject": "Printer", "hs_pipeline_stage": "1", "hs_ticket_priority": "HIGH"},
            {"subject": "Sent creation time", "hs_pipeline_stage": "2", "createdate": "1700000"},
            {"subject": "", "content": "Blank subject", "hs_pipeline_stage": "3"},
        ]
        writer.create(TICKETS, tickets, WriteSource("API", None))
        created = index_rows(database)
        text, numbers = created
        assert ("0-5", "createdate", 1700000.0) in [row[:3] for row in numbers]
        assert {row[1] for row in numbers} >= {
            "createdate",
            "hs_lastmodifieddate",
            "hs_ticket_id",
            "hs_date_entered_1",
            "hs_date_entered_2",
            "hs_date_entered_3",
        }
        assert "subject" in {row[1] for row in text}

        with closing(sqlite3.connect(database)) as db, db:  # as before the index existed
            db.execute("DELETE FROM search_text")
            db.execute("DELETE FROM search_numbers")
            db.execute("UPDATE search_index_state SET complete = 0")
        assert ensure_search_index(store, catalogue) == 3
        assert index_rows(database) == created
    finally:
        store.close()
