"""What only the PostgreSQL backend has: its URLs (and passwords in them), and a
connection that can break.

The behaviour every backend shares is in ``test_store_contract.py``.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator

import psycopg
import pytest

from spoke.store import open_store, shown_url
from spoke.store.base import StoredObject
from spoke.store.postgres import PostgresStore, yoyo_url

#: The object type of the records written here (tickets).
TICKETS = "0-5"


@pytest.fixture
def url(fresh_database: Callable[[str], str]) -> str:
    return fresh_database("postgres")


@pytest.fixture
def store(url: str) -> Iterator[PostgresStore]:
    opened = open_store(url)
    assert isinstance(opened, PostgresStore)
    yield opened
    opened.close()


def end_connection_of(store: PostgresStore, url: str) -> None:
    """End the store's connection from the server side, as a restart would."""
    pid = store._db.info.backend_pid
    with psycopg.connect(url, autocommit=True) as admin:
        admin.execute("SELECT pg_terminate_backend(%s)", (pid,))


@pytest.mark.parametrize(
    ("given", "expected"),
    [
        ("postgresql://spoke@db:5432/crm", "postgresql+psycopg://spoke@db:5432/crm"),
        (
            "postgres://u:p%40ss@db/crm?sslmode=require",
            "postgresql+psycopg://u:p%40ss@db/crm?sslmode=require",
        ),
    ],
)
def test_yoyo_gets_the_url_with_its_psycopg_3_scheme(given: str, expected: str) -> None:
    assert yoyo_url(given) == expected


@pytest.mark.parametrize(
    ("given", "shown"),
    [
        (
            "postgresql://spoke:s3cret@db:5432/crm?sslmode=require",
            "postgresql://spoke:***@db:5432/crm?sslmode=require",
        ),
        ("postgres://:s3cret@db/crm", "postgres://:***@db/crm"),
        ("postgresql://spoke@db/crm", "postgresql://spoke@db/crm"),
        ("sqlite:///spoke-data/spoke.db", "sqlite:///spoke-data/spoke.db"),
    ],
)
def test_urls_are_shown_without_their_password(given: str, shown: str) -> None:
    assert shown_url(given) == shown


def test_the_postgres_scheme_is_accepted_too(url: str) -> None:
    store = open_store(url.replace("postgresql://", "postgres://", 1))
    try:
        assert isinstance(store, PostgresStore)
        store.migrate()
        assert store.count_objects(TICKETS) == 0
    finally:
        store.close()


def test_a_store_reconnects_after_its_connection_ends(store: PostgresStore, url: str) -> None:
    end_connection_of(store, url)
    with pytest.raises(psycopg.OperationalError):
        store.count_objects(TICKETS)  # the request that finds out fails
    assert store.count_objects(TICKETS) == 0  # the next one gets a new connection


def test_a_batch_read_prepares_its_statement_again_on_a_new_connection(
    store: PostgresStore, url: str
) -> None:
    assert store.read_objects_in_force(TICKETS, [1]).objects == []  # prepared on this connection
    end_connection_of(store, url)
    with pytest.raises(psycopg.OperationalError):
        store.read_objects_in_force(TICKETS, [1])  # the request that finds out fails
    with store.transaction() as tx:
        (ticket_id,) = tx.allocate_object_ids(1)
        tx.insert_objects(TICKETS, [StoredObject(ticket_id, {"subject": "new"}, None, 1)], 1)
    read = store.read_objects_in_force(TICKETS, [ticket_id])
    assert read.objects == [StoredObject(ticket_id, {"subject": "new"}, None, 1)]


def test_a_batch_read_survives_psycopg_deallocating_every_prepared_statement(
    store: PostgresStore,
) -> None:
    assert store.read_objects_in_force(TICKETS, [1]).objects == []  # prepared on this connection
    with pytest.raises(RuntimeError), store.transaction():  # ROLLBACK
        raise RuntimeError("refused")
    store.count_objects(TICKETS)  # psycopg's next statement comes after DEALLOCATE ALL
    prepared = "SELECT name FROM pg_prepared_statements WHERE name LIKE 'spoke%'"
    assert store._db.execute(prepared).fetchall() == []
    assert store.read_objects_in_force(TICKETS, [1]).objects == []


def test_a_transaction_whose_connection_ends_raises_and_the_next_one_works(
    store: PostgresStore, url: str
) -> None:
    with pytest.raises(psycopg.OperationalError), store.transaction() as tx:
        (ticket_id,) = tx.allocate_object_ids(1)
        tx.insert_objects(TICKETS, [StoredObject(ticket_id, {"subject": "lost"}, None, 1)], 1)
        end_connection_of(store, url)
        tx.lock_objects(TICKETS, [ticket_id])
    assert store.read_objects(TICKETS, [ticket_id]) == []
    with store.transaction() as tx:
        (kept,) = tx.allocate_object_ids(1)
        tx.insert_objects(TICKETS, [StoredObject(kept, {"subject": "kept"}, None, 1)], 1)
    assert store.read_objects(TICKETS, [kept]) == [StoredObject(kept, {"subject": "kept"}, None, 1)]
