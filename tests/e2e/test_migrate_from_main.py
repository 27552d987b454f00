"""A database made by Spoke before it served several object types is carried forward.

``tests/fixtures/main-86ea3af.json`` holds every row of a database that Spoke's main branch
(at 86ea3af) wrote through its API, and what that Spoke answered to reads of it
(``tests/fixtures/make_main_database.py`` made both). Here a database at that schema
(migrations 0001 to 0007) gets those rows, ``spoke migrate`` brings it up to date, and a
server over it must answer the same reads exactly alike (tickets with history, a merged
id, an archived ticket, unique values, search, custom and archived properties, groups,
pipelines and their audits), to the same token. Then it must keep working: a new ticket
gets a new id, unique values held before stay held, the search index knows the new one.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import psycopg
import pytest
from click.testing import CliRunner
from conftest import PostgresDatabases
from psycopg import sql
from servers import live_server
from yoyo import get_backend, read_migrations

from spoke.cli import main
from spoke.domain.stage_dates import FIELD_TYPE as STAGE_DATE_FIELD_TYPE
from spoke.domain.standard_objects import STANDARD_OBJECT_TYPES
from spoke.store.postgres import yoyo_url

FIXTURE = json.loads(
    (Path(__file__).resolve().parent.parent / "fixtures" / "main-86ea3af.json").read_text()
)
MIGRATIONS = Path(__file__).resolve().parents[2] / "spoke" / "store" / "migrations"
#: The last migration main had.
LAST_OLD_MIGRATION = "0007.search-counts"

Rows = dict[str, list[list[Any]]]


# -- a database as main left it ---------------------------------------------------------------


def apply_old_migrations(backend: str, url: str) -> None:
    database = get_backend(url if backend == "sqlite" else yoyo_url(url))
    migrations = read_migrations(str(MIGRATIONS / backend)).filter(
        lambda m: m.id <= LAST_OLD_MIGRATION
    )
    with database.lock():
        database.apply_migrations(database.to_apply(migrations))
    database.connection.close()


def load_sqlite(url: str, rows: Rows) -> None:
    import sqlite3  # noqa: PLC0415

    db = sqlite3.connect(url.removeprefix("sqlite:///"))
    with db:
        for table, (columns, *values) in rows.items():
            db.execute(f"DELETE FROM {table}")
            marks = ", ".join("?" * len(columns))
            db.executemany(f"INSERT INTO {table} ({', '.join(columns)}) VALUES ({marks})", values)
    db.close()


def load_postgres(url: str, rows: Rows) -> None:
    """The rows as main's PostgreSQL backend holds them: unique values as bytes, flags as
    booleans, and counters as sequences."""
    with psycopg.connect(url, autocommit=True) as db, db.transaction():
        for table, (columns, *values) in rows.items():
            if table == "pipeline_ids":  # a sequence on PostgreSQL
                ((_, last_id),) = values
                db.execute("SELECT setval('pipeline_ids', %s)", (last_id,))
                continue
            converted = [_postgres_row(table, columns, row) for row in values]
            db.execute(sql.SQL("DELETE FROM {}").format(sql.Identifier(table)))
            statement = sql.SQL("INSERT INTO {} ({}) VALUES ({})").format(
                sql.Identifier(table),
                sql.SQL(", ").join(map(sql.Identifier, columns)),
                sql.SQL(", ").join(sql.Placeholder() * len(columns)),
            )
            with db.cursor() as cursor:
                cursor.executemany(statement, converted)
        highest = max(row[0] for row in (*rows["tickets"][1:], *rows["merged_tickets"][1:]))
        db.execute("SELECT setval('ticket_ids', %s)", (highest,))
        for table in ("apps", "pipeline_audits"):
            column = "id" if table == "apps" else "seq"
            db.execute(
                sql.SQL("SELECT setval(pg_get_serial_sequence({}, {}), max({})) FROM {}").format(
                    sql.Literal(table),
                    sql.Literal(column),
                    sql.Identifier(column),
                    sql.Identifier(table),
                )
            )


def _postgres_row(table: str, columns: list[str], row: list[Any]) -> list[Any]:
    converted = list(row)
    if table == "unique_values":
        converted[columns.index("value")] = row[columns.index("value")].encode()
    if table == "search_index_state":
        converted[columns.index("complete")] = bool(row[columns.index("complete")])
    return converted


@pytest.fixture(params=["sqlite", "postgres"])
def migrated_url(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    """A database that main wrote, migrated by today's ``spoke migrate``."""
    backend: str = request.param
    databases: PostgresDatabases | None = None
    if backend == "sqlite":
        url = f"sqlite:///{tmp_path / 'main.db'}"
    else:
        databases = request.getfixturevalue("postgres")
        url = databases.create()
    try:
        apply_old_migrations(backend, url)
        (load_sqlite if backend == "sqlite" else load_postgres)(url, FIXTURE["rows"])
        result = CliRunner().invoke(main, ["migrate", "--database", url])
        assert result.exit_code == 0, result.output
        yield url
    finally:
        if databases is not None:
            databases.drop(url)


# -- what main answered ---------------------------------------------------------------------


#: Fields Spoke's answers gained after 86ea3af, with the one value each always has.
ADDED_SINCE = {"writePermissions": "CRM_PERMISSIONS_ENFORCEMENT"}  # pipeline stages'


def without_moments(answer: Any, base_url: str) -> Any:
    """``answer`` without what differs from one request to the next (when a batch ran,
    and the host of a paging link), and without the fields added since main answered."""
    if isinstance(answer, dict):
        for key, value in ADDED_SINCE.items():
            assert answer.get(key, value) == value, key
        return {
            key: without_moments(value, base_url)
            for key, value in answer.items()
            if key not in ("startedAt", "completedAt", *ADDED_SINCE)
        }
    if isinstance(answer, list):
        return [without_moments(item, base_url) for item in answer]
    if isinstance(answer, str) and answer.startswith(base_url):
        return answer.removeprefix(base_url)
    return answer


def without_later_additions(answer: Any) -> Any:
    """``answer`` without what Spoke has added to its answers since main, on purpose:
    ``referencedObjectType`` of ``hubspot_owner_id`` (docs/behaviour.md, "Owners") and
    the stage calculated properties (docs/behaviour.md, "Stage calculated properties")."""
    if isinstance(answer, dict) and answer.get("fieldType") == STAGE_DATE_FIELD_TYPE:
        return None
    if isinstance(answer, list):
        kept = [without_later_additions(item) for item in answer]
        return [item for item in kept if item is not None]
    if isinstance(answer, dict):
        return {
            key: without_later_additions(value)
            for key, value in answer.items()
            if key != "referencedObjectType"
        }
    return answer


def test_a_database_made_by_main_answers_as_main_did(migrated_url: str) -> None:
    with live_server(migrated_url) as server, server.http(FIXTURE["token"]) as http:
        for read in FIXTURE["reads"]:
            response = http.request(read["method"], read["path"], json=read["body"])
            assert response.status_code == read["status"], (read["path"], response.text)
            then = without_moments(read["answer"], "http://testserver")
            now = without_moments(without_later_additions(response.json()), server.base_url)
            assert now == then, read["path"]


def test_a_database_made_by_main_keeps_working(migrated_url: str) -> None:
    old_ids = {row[0] for row in FIXTURE["rows"]["tickets"][1:]}
    old_ids |= {row[0] for row in FIXTURE["rows"]["merged_tickets"][1:]}
    with live_server(migrated_url) as server, server.http(FIXTURE["token"]) as http:
        created = http.post(
            "/crm/v3/objects/tickets",
            json={"properties": {"subject": "After", "hs_pipeline_stage": "1", "order_ref": "B-2"}},
        )
        assert created.status_code == 201, created.text
        new_id = int(created.json()["id"])
        assert new_id > max(old_ids)
        for held in ("A-1", "Z-9"):  # a live ticket's and an archived ticket's
            taken = http.post(
                "/crm/v3/objects/tickets",
                json={"properties": {"subject": "x", "hs_pipeline_stage": "1", "order_ref": held}},
            )
            assert taken.status_code == 409, taken.text
        search = http.post(
            "/crm/v3/objects/tickets/search",
            json={
                "filterGroups": [{"filters": [_eq("order_ref", "b-2")]}],
                "properties": ["subject"],
            },
        )
        assert [r["id"] for r in search.json()["results"]] == [str(new_id)]
        pipelines = http.get("/crm/v3/pipelines/tickets").json()["results"]
        escalations = next(p for p in pipelines if p["label"] == "Escalations")
        stage = http.post(
            f"/crm/v3/pipelines/tickets/{escalations['id']}/stages",
            json={"label": "Later", "displayOrder": 5, "metadata": {"ticketState": "OPEN"}},
        )
        assert stage.status_code == 201, stage.text
        assert int(stage.json()["id"]) > max(
            int(s["id"]) for p in pipelines for s in p["stages"] if re.fullmatch(r"\d{8}", s["id"])
        )


def _eq(name: str, value: str) -> dict[str, str]:
    return {"propertyName": name, "operator": "EQ", "value": value}


def test_a_database_made_by_main_gets_every_types_groups_and_pipelines(migrated_url: str) -> None:
    scopes = sorted({s for t in STANDARD_OBJECT_TYPES for s in t.scopes.all()})
    with live_server(migrated_url) as server, server.http(server.token(scopes=scopes)) as http:
        for object_type in STANDARD_OBJECT_TYPES:
            groups = http.get(f"/crm/v3/properties/{object_type.name}/groups").json()
            names = {g["name"] for g in groups["results"]}
            assert {g.name for g in object_type.groups} <= names, object_type.name
            if object_type.pipelines is not None:
                pipelines = http.get(f"/crm/v3/pipelines/{object_type.name}").json()
                ids = {p["id"] for p in pipelines["results"]}
                assert {p.id for p in object_type.pipelines.defaults} <= ids, object_type.name
