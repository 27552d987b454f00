"""Shared fixtures: a real Spoke server on a free port over a fresh database, on every
backend.

Every test that takes ``server`` runs once per backend (``BACKENDS``): it gets a fresh
database (its own SQLite file, or the session's PostgreSQL database restored to its
just-migrated state) and its own uvicorn server (in a thread, bound to port 0), and talks
to it over HTTP like any client would. The server has no rate limit unless the test
parametrizes ``server`` with one.

PostgreSQL is the one at ``$SPOKE_TEST_POSTGRES_URL`` (default
``postgresql://postgres@127.0.0.1:5432/test``), used only to create and drop databases
named ``spoke_test_*``. When it cannot be reached, its tests fail if ``$CI`` is set and
are skipped otherwise (:func:`postgres`, the one place that decides).
"""

from __future__ import annotations

import os
import secrets
from collections.abc import Callable, Iterator
from pathlib import Path
from urllib.parse import urlparse

import httpx
import hubspot
import psycopg
import pytest
from psycopg import sql
from servers import LiveServer, live_server

from spoke.store import Store, open_store, shown_url

#: Every storage backend; tests that take ``database_url`` or ``server`` run on each.
BACKENDS = ("sqlite", "postgres")

POSTGRES_URL_VARIABLE = "SPOKE_TEST_POSTGRES_URL"
DEFAULT_POSTGRES_URL = "postgresql://postgres@127.0.0.1:5432/test"

#: A fresh database of the backend named, for the requesting test.
DatabaseFactory = Callable[[str], str]


# -- PostgreSQL test databases ------------------------------------------------------------


class PostgresDatabases:
    """Creates and drops ``spoke_test_*`` databases through a maintenance connection."""

    def __init__(self, url: str) -> None:
        self.url = url
        self._admin = psycopg.connect(url, autocommit=True, connect_timeout=5)

    def create(self) -> str:
        """The URL of a new, empty database."""
        name = f"spoke_test_{secrets.token_hex(6)}"
        self._admin.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))
        return urlparse(self.url)._replace(path=f"/{name}").geturl()

    def drop(self, url: str) -> None:
        name = urlparse(url).path.lstrip("/")
        assert name.startswith("spoke_test_"), name
        self._admin.execute(
            sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(name))
        )

    def close(self) -> None:
        self._admin.close()


class PristinePostgres:
    """One migrated database, put back into its just-migrated state before each test.

    Restoring (delete every row, copy back the rows the migrations wrote, reset the
    sequences) takes about a millisecond; creating a database from a template takes
    about 45 ms and dropping it as much again.
    """

    def __init__(self, url: str) -> None:
        self.url = url
        store = open_store(url)
        try:
            store.migrate()
        finally:
            store.close()
        self._db = psycopg.connect(url, autocommit=True)
        self._db.execute("SET lock_timeout = '10s'")  # a test left a lock: fail, not hang
        tables = self._db.execute(
            "SELECT table_name FROM information_schema.tables WHERE table_schema = 'public' "
            "AND table_type = 'BASE TABLE' AND table_name NOT LIKE %s",
            ("%yoyo%",),
        ).fetchall()
        sequences = self._db.execute(
            "SELECT sequencename, coalesce(last_value, start_value), last_value IS NOT NULL "
            "FROM pg_sequences WHERE schemaname = 'public'"
        ).fetchall()
        restore: list[sql.Composable] = []
        with self._db.transaction():
            self._db.execute("CREATE SCHEMA pristine")
            for (table,) in tables:
                live = sql.Identifier("public", table)
                kept = sql.Identifier("pristine", table)
                self._db.execute(sql.SQL("CREATE TABLE {} AS TABLE {}").format(kept, live))
                restore.append(sql.SQL("DELETE FROM {}").format(live))
                restore.append(sql.SQL("INSERT INTO {} TABLE {}").format(live, kept))
            for sequence, value, is_called in sequences:
                restore.append(
                    sql.SQL("SELECT setval({}, {}, {})").format(
                        sql.Literal(f"public.{sequence}"),
                        sql.Literal(value),
                        sql.Literal(is_called),
                    )
                )
        self._restore = restore

    def restore(self) -> str:
        """The database's URL, once it holds exactly what the migrations left in it."""
        with self._db.transaction():
            # Triggers off: deleting records must not log their changes (migration 0011).
            self._db.execute("SET LOCAL session_replication_role = replica")
            for statement in self._restore:
                self._db.execute(statement)
        return self.url

    def close(self) -> None:
        self._db.close()


@pytest.fixture(scope="session")
def postgres() -> Iterator[PostgresDatabases]:
    """The PostgreSQL server for tests; skips (fails under ``$CI``) when it is not there."""
    url = os.environ.get(POSTGRES_URL_VARIABLE) or DEFAULT_POSTGRES_URL
    try:
        databases = PostgresDatabases(url)
    except psycopg.OperationalError as error:
        reason = (
            f"PostgreSQL is not reachable at {shown_url(url)} "
            f"(set ${POSTGRES_URL_VARIABLE}): {error}"
        )
        if os.environ.get("CI"):
            pytest.fail(f"{reason}; CI must run the PostgreSQL tests", pytrace=False)
        pytest.skip(reason)
    try:
        yield databases
    finally:
        databases.close()


@pytest.fixture(scope="session")
def pristine_postgres(postgres: PostgresDatabases) -> Iterator[PristinePostgres]:
    url = postgres.create()
    try:
        pristine = PristinePostgres(url)
        yield pristine
        pristine.close()
    finally:
        postgres.drop(url)


@pytest.fixture
def fresh_database(request: pytest.FixtureRequest, tmp_path: Path) -> DatabaseFactory:
    """Call with a backend name for the URL of a fresh database the test may use."""

    def url(backend: str) -> str:
        if backend == "sqlite":
            return f"sqlite:///{tmp_path / 'spoke.db'}"
        if backend == "postgres":
            pristine: PristinePostgres = request.getfixturevalue("pristine_postgres")
            return pristine.restore()
        raise AssertionError(f"no database for backend {backend!r}")

    return url


@pytest.fixture(params=BACKENDS)
def database_url(request: pytest.FixtureRequest, fresh_database: DatabaseFactory) -> str:
    """A fresh database of each backend in turn."""
    backend: str = request.param
    return fresh_database(backend)


@pytest.fixture(scope="module", params=BACKENDS)
def module_database_url(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[str]:
    """A fresh database of each backend in turn, shared by the tests of one module."""
    if request.param == "sqlite":
        yield f"sqlite:///{tmp_path_factory.mktemp('module') / 'spoke.db'}"
        return
    databases: PostgresDatabases = request.getfixturevalue("postgres")
    url = databases.create()
    try:
        yield url
    finally:
        databases.drop(url)


# -- stores --------------------------------------------------------------------------------

#: Opens a new, migrated store on the test's own database.
StoreFactory = Callable[[], Store]


@pytest.fixture(params=BACKENDS)
def store_factory(
    request: pytest.FixtureRequest, fresh_database: DatabaseFactory
) -> Iterator[StoreFactory]:
    """Opens migrated stores, all on one fresh database of the backend under test."""
    opened: list[Store] = []
    url = fresh_database(request.param)

    def open_one() -> Store:
        store = open_store(url)
        opened.append(store)
        store.migrate()
        return store

    yield open_one
    for store in opened:
        store.close()


@pytest.fixture
def store(store_factory: StoreFactory) -> Store:
    """A migrated store on a fresh database, of each backend in turn."""
    return store_factory()


# -- live servers -------------------------------------------------------------------------


@pytest.fixture
def server(request: pytest.FixtureRequest, database_url: str) -> Iterator[LiveServer]:
    """A live server on a fresh database, of each backend in turn. Parametrize it
    indirectly to limit its rate: ``@pytest.mark.parametrize("server", [5], indirect=True)``
    (``rate_limit=5``)."""
    rate_limit: int | None = getattr(request, "param", None)
    with live_server(database_url, rate_limit) as running:
        yield running


@pytest.fixture
def token(server: LiveServer) -> str:
    return server.token()


@pytest.fixture
def sdk(server: LiveServer, token: str) -> hubspot.Client:
    return server.sdk(token)


@pytest.fixture
def http(server: LiveServer, token: str) -> Iterator[httpx.Client]:
    with server.http(token) as client:
        yield client
