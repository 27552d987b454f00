"""``spoke owner create|list|archive``, and the demo owners ``spoke seed`` adds (in-process
through click's ``CliRunner``, each test on a SQLite database of its own)."""

from __future__ import annotations

from pathlib import Path

from test_cli import database_url, spoke

from spoke.domain.demo import DEMO_OWNERS
from spoke.domain.owners import Owners
from spoke.store import open_store


def owners_of(url: str) -> Owners:
    store = open_store(url)
    try:
        return Owners(store.owners())
    finally:
        store.close()


def create(url: str, *args: str) -> str:
    result = spoke("owner", "create", "--database", url, *args)
    assert result.exit_code == 0, result.output
    (owner_id,) = result.stdout.splitlines()
    return owner_id


def test_owner_create_prints_only_the_new_owners_id(tmp_path: Path) -> None:
    url = database_url(tmp_path)
    owner_id = create(
        url,
        "--email",
        "ada@example.com",
        "--first-name",
        "Ada",
        "--last-name",
        "Moreau",
        "--team",
        "Support",
        "--team",
        "Escalations",
    )
    (owner,) = owners_of(url).live
    assert owner_id == str(owner.id)
    assert (owner.email, owner.first_name, owner.last_name, owner.type) == (
        "ada@example.com",
        "Ada",
        "Moreau",
        "PERSON",
    )
    assert [(t.name, t.primary) for t in owner.teams] == [("Support", True), ("Escalations", False)]


def test_owners_get_new_ids_and_share_teams_by_name(tmp_path: Path) -> None:
    url = database_url(tmp_path)
    first = create(url, "--email", "a@example.com", "--team", "Support")
    second = create(url, "--email", "b@example.com", "--team", "Support", "--type", "QUEUE")
    assert int(second) > int(first)
    a, b = owners_of(url).live
    assert a.teams[0].id == b.teams[0].id
    assert a.user_id != b.user_id
    assert b.type == "QUEUE"


def test_owner_create_refuses_a_taken_email_in_any_case(tmp_path: Path) -> None:
    url = database_url(tmp_path)
    create(url, "--email", "ada@example.com")
    result = spoke("owner", "create", "--database", url, "--email", "ADA@example.com")
    assert result.exit_code == 1
    assert result.stdout == ""
    assert "An owner with email ADA@example.com exists already" in result.stderr
    assert len(owners_of(url).live) == 1


def test_owner_create_refuses_what_is_no_email(tmp_path: Path) -> None:
    url = database_url(tmp_path)
    result = spoke("owner", "create", "--database", url, "--email", "ada")
    assert result.exit_code == 1
    assert "Invalid email 'ada': an owner needs an email address" in result.stderr
    assert owners_of(url).live == ()


def test_owner_list_prints_live_or_archived_owners(tmp_path: Path) -> None:
    url = database_url(tmp_path)
    kept = create(url, "--email", "a@example.com", "--first-name", "Ann", "--team", "Support")
    gone = create(url, "--email", "b@example.com")
    archived = spoke("owner", "archive", gone, "--database", url)
    assert archived.exit_code == 0, archived.output
    listed = spoke("owner", "list", "--database", url)
    (line,) = listed.stdout.splitlines()
    assert line.split("\t")[0] == kept
    assert line.split("\t")[2:] == ["a@example.com", "Ann", "Support"]
    (line,) = spoke("owner", "list", "--archived", "--database", url).stdout.splitlines()
    assert line.split("\t")[0] == gone


def test_owner_archive_refuses_an_owner_that_is_not_live(tmp_path: Path) -> None:
    url = database_url(tmp_path)
    owner_id = create(url, "--email", "a@example.com")
    assert spoke("owner", "archive", owner_id, "--database", url).exit_code == 0
    again = spoke("owner", "archive", owner_id, "--database", url)
    assert again.exit_code == 1
    assert f"No live owner has id {owner_id}" in again.stderr


def test_seed_adds_the_demo_owners_and_assigns_tickets_to_them(tmp_path: Path) -> None:
    url = database_url(tmp_path)
    assert spoke("seed", "--tickets", "200", "--database", url).exit_code == 0
    owners = owners_of(url).live
    assert [o.email for o in owners] == [o.email for o in DEMO_OWNERS]
    store = open_store(url)
    try:
        tickets = store.list_objects("0-5", 0, 200, archived=False)
    finally:
        store.close()
    assigned = {t.values["hubspot_owner_id"] for t in tickets}
    assert assigned == {str(o.id) for o in owners}  # 200 tickets reach all five


def test_seed_assigns_tickets_to_the_portals_own_owners(tmp_path: Path) -> None:
    url = database_url(tmp_path)
    mine = create(url, "--email", "me@example.com")
    assert spoke("seed", "--tickets", "20", "--database", url).exit_code == 0
    assert [str(o.id) for o in owners_of(url).live] == [mine]
    store = open_store(url)
    try:
        tickets = store.list_objects("0-5", 0, 20, archived=False)
    finally:
        store.close()
    assert {t.values["hubspot_owner_id"] for t in tickets} == {mine}
