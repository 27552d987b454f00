"""The ``spoke`` command line: ``token create``, ``seed``, ``migrate`` and ``serve``.

The quick commands run in-process through click's ``CliRunner``; ``serve`` runs as a real
``python -m spoke serve`` subprocess on a free port, and is always terminated afterwards.
Every test works on a database of its own under ``tmp_path``.
"""

from __future__ import annotations

import re
import shlex
import sqlite3
import subprocess
import sys
from collections.abc import Sequence
from contextlib import closing
from pathlib import Path
from typing import Any

import httpx
import pytest
from click.testing import CliRunner, Result
from servers import SPOKE_VARIABLES, STARTUP_SECONDS, serving, spoke_environment

from spoke.cli import main
from spoke.domain.catalogue import Catalogue
from spoke.domain.object_types import ObjectTypes
from spoke.domain.search import Filter, ObjectSearch, SearchRequest
from spoke.domain.standard_objects import STANDARD_OBJECT_TYPES, TICKETS
from spoke.domain.tokens import KNOWN_SCOPES, Authenticator
from spoke.store import open_store

BATCH_READ = "/crm/v3/objects/tickets/batch/read"


def database_url(tmp_path: Path, name: str = "spoke.db") -> str:
    return f"sqlite:///{tmp_path / name}"


def spoke(*args: str) -> Result:
    """``spoke ARGS`` in-process, ignoring any ``SPOKE_*`` variables of the caller."""
    return CliRunner().invoke(main, list(args), env=dict.fromkeys(SPOKE_VARIABLES))


def count_tickets(url: str) -> int:
    store = open_store(url)
    try:
        return store.count_objects(TICKETS.type_id)
    finally:
        store.close()


def batch_read(base_url: str, token: str, ids: Sequence[str]) -> httpx.Response:
    return httpx.post(
        base_url + BATCH_READ,
        headers={"Authorization": f"Bearer {token}"},
        json={"inputs": [{"id": i} for i in ids], "properties": ["subject"]},
        timeout=10,
    )


# -- spoke token create ------------------------------------------------------------------


def test_token_create_prints_only_the_token(tmp_path: Path) -> None:
    result = spoke("token", "create", "--scopes", "tickets", "--database", database_url(tmp_path))
    assert result.exit_code == 0, result.output
    (token,) = result.stdout.splitlines()
    assert result.stdout == token + "\n"
    assert token.startswith("pat-")
    assert re.fullmatch(r"[\w-]+", token), token


def test_each_token_is_new(tmp_path: Path) -> None:
    url = database_url(tmp_path)
    first = spoke("token", "create", "--database", url)
    second = spoke("token", "create", "--database", url)
    assert first.exit_code == second.exit_code == 0
    assert first.stdout != second.stdout


def test_created_token_authenticates_against_a_server_on_the_same_database(server: Any) -> None:
    result = spoke("token", "create", "--scopes", "tickets", "--database", server.database_url)
    assert result.exit_code == 0, result.output
    response = batch_read(server.base_url, result.stdout.strip(), ["1"])
    assert response.status_code == 207, response.text
    assert response.json()["errors"][0]["context"] == {"ids": ["1"]}


def test_created_token_carries_only_the_scopes_asked_for(server: Any) -> None:
    result = spoke(
        "token", "create", "--scopes", "crm.schemas.tickets.read", "--database", server.database_url
    )
    assert result.exit_code == 0, result.output
    response = batch_read(server.base_url, result.stdout.strip(), ["1"])
    assert response.status_code == 403, response.text
    assert response.json()["category"] == "MISSING_SCOPES"


def test_several_comma_separated_scopes_are_accepted(server: Any) -> None:
    result = spoke(
        "token",
        "create",
        "--scopes",
        "crm.schemas.tickets.read, tickets",
        "--database",
        server.database_url,
    )
    assert result.exit_code == 0, result.output
    response = batch_read(server.base_url, result.stdout.strip(), ["1"])
    assert response.status_code == 207, response.text


def test_token_with_expires_in_zero_is_already_expired(server: Any) -> None:
    result = spoke("token", "create", "--expires-in", "0", "--database", server.database_url)
    assert result.exit_code == 0, result.output
    response = batch_read(server.base_url, result.stdout.strip(), ["1"])
    assert response.status_code == 401, response.text
    assert response.json()["category"] == "EXPIRED_AUTHENTICATION"


def test_token_app_id_is_the_source_id_of_its_writes(server: Any) -> None:
    result = spoke("token", "create", "--app-id", "4242", "--database", server.database_url)
    assert result.exit_code == 0, result.output
    with server.http(result.stdout.strip()) as http:
        created = http.post(
            "/crm/v3/objects/tickets",
            json={"properties": {"subject": "From app 4242", "hs_pipeline_stage": "1"}},
        )
        assert created.status_code == 201, created.text
        read = http.post(
            BATCH_READ,
            json={"inputs": [{"id": created.json()["id"]}], "propertiesWithHistory": ["subject"]},
        )
    assert read.status_code == 200, read.text
    (version,) = read.json()["results"][0]["propertiesWithHistory"]["subject"]
    assert version["sourceId"] == "4242"


@pytest.mark.parametrize(
    "refused",
    [
        "automation",  # a HubSpot scope Spoke serves nothing for
        "crm.objects.custom.write",  # one HubSpot lists for a path Spoke has no route for
        "no-such-scope",
    ],
)
def test_a_scope_spoke_serves_nothing_for_is_refused_with_a_clear_message(
    tmp_path: Path, refused: str
) -> None:
    url = database_url(tmp_path)
    result = spoke("token", "create", "--scopes", f"tickets,{refused}", "--database", url)
    assert result.exit_code != 0
    assert result.stdout == ""
    assert "--scopes" in result.stderr
    assert f"Spoke serves nothing for the scope(s) {refused}" in " ".join(result.stderr.split())
    accepted = KNOWN_SCOPES
    assert {"tickets", "crm.schemas.tickets.read", "crm.schemas.tickets.write"} <= accepted
    for scope in accepted:
        assert scope in result.stderr


def test_every_scope_a_route_accepts_can_be_given_to_a_token(tmp_path: Path) -> None:
    url = database_url(tmp_path)
    assert spoke("migrate", "--database", url).exit_code == 0
    result = spoke("token", "create", "--scopes", ",".join(sorted(KNOWN_SCOPES)), "--database", url)
    assert result.exit_code == 0, result.output


def test_unsupported_database_url_is_refused() -> None:
    result = spoke("token", "create", "--database", "mysql://localhost/spoke")
    assert result.exit_code != 0
    assert result.stdout == ""
    assert "--database" in result.stderr
    assert "mysql://localhost/spoke" in result.stderr


def test_unreachable_postgresql_is_reported_without_a_traceback() -> None:
    # Port 1 on the loopback interface: nothing listens there, so it is refused at once.
    result = spoke("token", "create", "--database", "postgresql://spoke@127.0.0.1:1/spoke")
    assert result.exit_code == 1
    assert result.stdout == ""
    assert "cannot connect to PostgreSQL" in result.stderr
    assert "Traceback" not in result.output


# -- spoke seed and spoke migrate -----------------------------------------------------------


def test_seed_loads_the_requested_number_of_tickets(tmp_path: Path) -> None:
    url = database_url(tmp_path)
    result = spoke("seed", "--tickets", "500", "--database", url)
    assert result.exit_code == 0, result.output
    assert count_tickets(url) == 500
    assert "Loaded 500 tickets" in result.stderr


def test_seeded_tickets_are_served(server: Any, token: str) -> None:
    result = spoke("seed", "--tickets", "25", "--database", server.database_url)
    assert result.exit_code == 0, result.output
    response = batch_read(server.base_url, token, ["1", "2", "25"])
    assert response.status_code == 200, response.text
    results = response.json()["results"]
    assert {r["id"] for r in results} == {"1", "2", "25"}
    assert all(r["properties"]["subject"] for r in results)


def test_seed_refuses_a_count_below_one(tmp_path: Path) -> None:
    url = database_url(tmp_path)
    result = spoke("seed", "--tickets", "0", "--database", url)
    assert result.exit_code != 0
    assert "--tickets" in result.stderr


def test_migrate_creates_the_database_and_is_idempotent(tmp_path: Path) -> None:
    url = database_url(tmp_path, "nested/dir/spoke.db")
    first = spoke("migrate", "--database", url)
    assert first.exit_code == 0, first.output
    assert (tmp_path / "nested" / "dir" / "spoke.db").is_file()
    assert count_tickets(url) == 0

    seeded = spoke("seed", "--tickets", "7", "--database", url)
    assert seeded.exit_code == 0, seeded.output
    token = spoke("token", "create", "--database", url).stdout.strip()

    for _ in range(2):
        again = spoke("migrate", "--database", url)
        assert again.exit_code == 0, again.output
        assert "up to date" in again.stderr
    assert count_tickets(url) == 7

    # The token minted before the re-runs is still known.
    store = open_store(url)
    try:
        assert Authenticator(store).authenticate(f"Bearer {token}").scopes == ("tickets",)
    finally:
        store.close()


def test_migrate_builds_the_search_index_of_tickets_that_predate_it(tmp_path: Path) -> None:
    url = database_url(tmp_path)
    assert spoke("seed", "--tickets", "40", "--database", url).exit_code == 0
    # As a database from before the search index was: tickets, but no index rows.
    with closing(sqlite3.connect(tmp_path / "spoke.db")) as db, db:
        db.execute("DELETE FROM search_text")
        db.execute("DELETE FROM search_numbers")
        db.execute("UPDATE search_index_state SET complete = 0")

    result = spoke("migrate", "--database", url)
    assert result.exit_code == 0, result.output
    assert "Built the search index of 40 existing records" in result.stderr

    store = open_store(url)
    try:
        tickets = store.read_objects(TICKETS.type_id, range(1, 41))
        priority = tickets[0].values["hs_ticket_priority"]
        wanted = sorted(t.id for t in tickets if t.values["hs_ticket_priority"] == priority)
        search = ObjectSearch(store, Catalogue(store, ObjectTypes(STANDARD_OBJECT_TYPES)))
        request = SearchRequest(
            filter_groups=((Filter("hs_ticket_priority", "EQ", priority.lower()),),), limit=100
        )
        page = search.search(TICKETS, request)
        assert (page.total, [r.id for r in page.records]) == (len(wanted), wanted)
    finally:
        store.close()
    again = spoke("migrate", "--database", url)
    assert "Built the search index" not in again.stderr


# -- spoke serve, as a real process ---------------------------------------------------------


def cli_token(url: str, cwd: Path) -> str:
    """A token from ``python -m spoke token create``, as a separate process."""
    done = subprocess.run(
        [sys.executable, "-m", "spoke", "token", "create", "--database", url],
        cwd=cwd,
        env=spoke_environment(),
        capture_output=True,
        text=True,
        timeout=30,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    (token,) = done.stdout.splitlines()
    return token


def test_serve_with_demo_tickets_answers_batch_reads(tmp_path: Path) -> None:
    url = database_url(tmp_path, "x.db")
    with serving(["--database", url, "--demo-tickets", "20"], tmp_path) as process:
        process.wait_until_healthy()
        token = cli_token(url, tmp_path)
        response = batch_read(process.base_url, token, ["1", "2", "3"])
        assert response.status_code == 200, response.text
        assert sorted(r["id"] for r in response.json()["results"]) == ["1", "2", "3"]
        assert count_tickets(url) == 20
        assert "pat-" not in process.output(), "no token is printed for a named database"


def test_serve_on_the_default_database_prints_a_token_and_a_curl_snippet(
    tmp_path: Path,
) -> None:
    with serving([], tmp_path) as process:
        base_url = process.base_url
        token = process.wait_for_line(r"^\s+(pat-[\w-]+)\s*$", STARTUP_SECONDS).group(1)
        process.wait_until_healthy()
        assert (tmp_path / "spoke-data" / "spoke.db").is_file()

        response = batch_read(base_url, token, ["1", "2"])
        assert response.status_code == 200, response.text
        assert len(response.json()["results"]) == 2
        # The token reads the demo owners the demo tickets are assigned to.
        owners = httpx.get(
            f"{base_url}/crm/v3/owners", headers={"Authorization": f"Bearer {token}"}
        )
        assert owners.status_code == 200, owners.text
        assert len(owners.json()["results"]) == 5

        # The curl snippet, run as printed (without the shell), works too.
        stderr = process.output()
        command = re.search(r"^\s*(curl .*?)(?:\n\s*\n|\Z)", stderr, re.MULTILINE | re.DOTALL)
        assert command, stderr
        words = shlex.split(command.group(1).replace("\\\n", " "))
        assert f"{base_url}{BATCH_READ}" in words
        assert f"Authorization: Bearer {token}" in words
        body = words[words.index("-d") + 1]
        headers = dict(words[i + 1].split(": ", 1) for i, word in enumerate(words) if word == "-H")
        snippet = httpx.post(f"{base_url}{BATCH_READ}", headers=headers, content=body)
        assert snippet.status_code == 200, snippet.text


def test_serve_lists_the_rate_limit_option() -> None:
    result = spoke("serve", "--help")
    assert result.exit_code == 0, result.output
    assert "--rate-limit" in result.stdout
    assert "SPOKE_RATE_LIMIT" in result.stdout


@pytest.mark.parametrize("limit", ["0", "-1", "many"])
def test_serve_refuses_a_rate_limit_below_one(tmp_path: Path, limit: str) -> None:
    result = spoke("serve", "--rate-limit", limit, "--database", database_url(tmp_path))
    assert result.exit_code != 0
    assert "--rate-limit" in result.stderr


def test_serve_with_a_rate_limit_answers_429_past_it(tmp_path: Path) -> None:
    url = database_url(tmp_path)
    with serving(["--database", url, "--rate-limit", "2"], tmp_path) as process:
        base_url = process.base_url
        process.wait_until_healthy()
        assert "Rate limit: 2 requests per app" in process.output()
        token = cli_token(url, tmp_path)
        for left in ("1", "0"):
            response = batch_read(base_url, token, ["1"])
            assert response.status_code == 207, response.text
            assert response.headers["x-hubspot-ratelimit-max"] == "2"
            assert response.headers["x-hubspot-ratelimit-remaining"] == left
        refused = batch_read(base_url, token, ["1"])
        assert refused.status_code == 429, refused.text
        assert refused.json()["policyName"] == "TEN_SECONDLY_ROLLING"
        assert 1 <= int(refused.headers["retry-after"]) <= 10
        # Another app's token is served.
        other = batch_read(base_url, cli_token(url, tmp_path), ["1"])
        assert other.status_code == 207, other.text
