"""The ``spoke`` command line: serve, seed, token, owner, migrate."""

from __future__ import annotations

import os
import time
from collections.abc import Callable
from typing import TypeVar

import click
import uvicorn

from spoke import __version__
from spoke.api.app import (
    ANSWER_CACHE_VARIABLE,
    DATABASE_URL_VARIABLE,
    DEFAULT_ANSWER_CACHE_MB,
    DEFAULT_STATEMENT_TIMEOUT,
    RATE_LIMIT_VARIABLE,
    STATEMENT_TIMEOUT_VARIABLE,
)
from spoke.api.protocol import server_options
from spoke.domain.bulk_import import import_objects
from spoke.domain.catalogue import Catalogue
from spoke.domain.demo import DEMO_OWNERS, demo_tickets
from spoke.domain.object_types import ObjectTypes
from spoke.domain.owner_roster import add_owner, archive_owner, ensure_owners
from spoke.domain.owners import PERSON, QUEUE, NewOwner, Owners
from spoke.domain.search_index import ensure_search_index
from spoke.domain.standard_objects import STANDARD_OBJECT_TYPES, TICKETS
from spoke.domain.tokens import KNOWN_SCOPES, create_token
from spoke.domain.writes import WriteSource
from spoke.errors import HubSpotError
from spoke.store import (
    DEFAULT_DATABASE_URL,
    DatabaseUnavailable,
    Store,
    UnsupportedDatabase,
    open_store,
    shown_url,
)

T = TypeVar("T")

#: The app id that demo data is written as.
DEMO_APP_ID = 1000000

database_option = click.option(
    "--database",
    "database_url",
    envvar=DATABASE_URL_VARIABLE,
    default=DEFAULT_DATABASE_URL,
    show_default=True,
    help="Database URL, e.g. sqlite:///path/to/spoke.db or postgresql://user@host:5432/db "
    f"(also ${DATABASE_URL_VARIABLE}).",
)


def _open(database_url: str) -> Store:
    try:
        store = open_store(database_url)
    except UnsupportedDatabase as unsupported:
        raise click.BadParameter(str(unsupported), param_hint="--database") from None
    except DatabaseUnavailable as unavailable:
        raise click.ClickException(str(unavailable)) from None
    store.migrate()
    indexed = ensure_search_index(store, _catalogue(store))
    if indexed:
        click.echo(f"Built the search index of {indexed} existing records", err=True)
    return store


@click.group()
@click.version_option(__version__, prog_name="spoke")
def main() -> None:
    """Spoke: a HubSpot-compatible CRM API server."""


@main.command()
@click.option("--host", default="127.0.0.1", show_default=True)
@click.option("--port", default=8080, show_default=True, type=int)
@click.option("--workers", default=1, show_default=True, type=click.IntRange(min=1))
@click.option(
    "--demo-tickets",
    type=click.IntRange(min=0),
    default=None,
    help="Demo tickets to load into an empty database "
    "[default: 1000 for the embedded default database, 0 otherwise].",
)
@click.option(
    "--rate-limit",
    type=click.IntRange(min=1),
    default=None,
    envvar=RATE_LIMIT_VARIABLE,
    help="Requests each app may make in any rolling 10 seconds, counted per worker "
    f"(also ${RATE_LIMIT_VARIABLE}) [default: no limit].",
)
@click.option(
    "--statement-timeout",
    type=click.FloatRange(min=0.001, max=86_400),
    default=DEFAULT_STATEMENT_TIMEOUT,
    show_default=True,
    envvar=STATEMENT_TIMEOUT_VARIABLE,
    help="Seconds a database statement of a request may run before it is cancelled and "
    f"the request answered with a 504 (also ${STATEMENT_TIMEOUT_VARIABLE}).",
)
@click.option(
    "--answer-cache-mb",
    type=click.IntRange(min=0),
    default=DEFAULT_ANSWER_CACHE_MB,
    show_default=True,
    envvar=ANSWER_CACHE_VARIABLE,
    help="Megabytes of batch read answers each worker keeps, exact across workers "
    f"(also ${ANSWER_CACHE_VARIABLE}; 0: none).",
)
@database_option
def serve(
    *,
    host: str,
    port: int,
    workers: int,
    demo_tickets: int | None,
    rate_limit: int | None,
    statement_timeout: float,
    answer_cache_mb: int,
    database_url: str,
) -> None:
    """Start the HTTP server."""
    embedded = database_url == DEFAULT_DATABASE_URL
    store = _open(database_url)
    try:
        demo = demo_tickets if demo_tickets is not None else (1000 if embedded else 0)
        if demo and store.count_objects(TICKETS.type_id) == 0:
            _seed(store, demo, progress=False)
            click.echo(f"Loaded {demo} demo tickets into {shown_url(database_url)}", err=True)
        if embedded:
            scopes = sorted(KNOWN_SCOPES)
            token, _ = create_token(store, scopes)
            click.echo(_quickstart(host, port, token, scopes), err=True)
    finally:
        store.close()
    os.environ[DATABASE_URL_VARIABLE] = database_url
    os.environ[STATEMENT_TIMEOUT_VARIABLE] = str(statement_timeout)
    os.environ[ANSWER_CACHE_VARIABLE] = str(answer_cache_mb)
    if rate_limit is None:
        os.environ.pop(RATE_LIMIT_VARIABLE, None)
    else:
        os.environ[RATE_LIMIT_VARIABLE] = str(rate_limit)
        per_worker = " (counted separately by each worker)" if workers > 1 else ""
        click.echo(
            f"Rate limit: {rate_limit} requests per app per rolling 10 s{per_worker}", err=True
        )
    uvicorn.run(
        "spoke.api.app:app_from_environment",
        factory=True,
        host=host,
        port=port,
        workers=workers,
        loop="uvloop",
        access_log=False,
        log_level="warning",
        **server_options(),
    )


@main.command()
@click.option("--tickets", "count", required=True, type=click.IntRange(min=1))
@click.option("--seed", "random_seed", default=5, show_default=True, help="Random seed.")
@database_option
def seed(count: int, random_seed: int, database_url: str) -> None:
    """Load COUNT realistic demo tickets."""
    store = _open(database_url)
    try:
        started = time.perf_counter()
        _seed(store, count, progress=True, random_seed=random_seed)
        elapsed = time.perf_counter() - started
        click.echo(
            f"Loaded {count} tickets in {elapsed:.1f} s ({count / elapsed:,.0f} tickets/s)",
            err=True,
        )
    finally:
        store.close()


def _catalogue(store: Store) -> Catalogue:
    return Catalogue(store, ObjectTypes(STANDARD_OBJECT_TYPES))


def _seed(store: Store, count: int, *, progress: bool, random_seed: int = 5) -> None:
    """One transaction (spoke/domain/bulk_import.py): on SQLite, other writers wait
    for it to end. The tickets are assigned to the portal's owners (the demo owners,
    added first, when it has none)."""
    source = WriteSource.integration(DEMO_APP_ID)
    owner_ids = [str(o.id) for o in ensure_owners(store, DEMO_OWNERS)]
    tickets = demo_tickets(count, random_seed, owner_ids)
    with click.progressbar(
        length=count, label="Seeding tickets", file=None if progress else open(os.devnull, "w")
    ) as bar:
        import_objects(_catalogue(store), TICKETS, tickets, source, bar.update)


@main.group()
def token() -> None:
    """Manage access tokens."""


@token.command("create")
@click.option(
    "--scopes",
    default="tickets",
    show_default=True,
    help="Comma-separated HubSpot scopes, each one some route of Spoke accepts, e.g. "
    "tickets,crm.schemas.tickets.read.",
)
@click.option("--app-id", type=int, default=None, help="App id writes are recorded with.")
@click.option("--expires-in", type=click.IntRange(min=0), default=None, help="Lifetime in seconds.")
@database_option
def token_create(
    scopes: str, app_id: int | None, expires_in: int | None, database_url: str
) -> None:
    """Create an access token and print it (alone) on stdout."""
    requested = [s.strip() for s in scopes.split(",") if s.strip()]
    store = _open(database_url)
    try:
        accepted = KNOWN_SCOPES
        refused = sorted(set(requested) - accepted)
        if refused:
            raise click.BadParameter(
                f"Spoke serves nothing for the scope(s) {', '.join(refused)}; "
                f"accepted scopes: {', '.join(sorted(accepted))}",
                param_hint="--scopes",
            )
        value, _ = create_token(store, requested, app_id, expires_in)
    finally:
        store.close()
    click.echo(value)


@main.group()
def owner() -> None:
    """Manage owners (HubSpot's users, which its API cannot create)."""


@owner.command("create")
@click.option("--email", required=True, help="The owner's email address (unique among owners).")
@click.option("--first-name", default="", help="First name.")
@click.option("--last-name", default="", help="Last name.")
@click.option(
    "--team",
    "teams",
    multiple=True,
    help="A team to put the owner in (repeatable; the first "
    "is the primary one). Teams that do not exist yet are created.",
)
@click.option(
    "--type", "kind", type=click.Choice([PERSON, QUEUE]), default=PERSON, show_default=True
)
@database_option
def owner_create(
    *,
    email: str,
    first_name: str,
    last_name: str,
    teams: tuple[str, ...],
    kind: str,
    database_url: str,
) -> None:
    """Add an owner and print its id (alone) on stdout: the id hubspot_owner_id takes."""
    store = _open(database_url)
    try:
        added = _refused_as_usage(
            lambda: add_owner(store, NewOwner(email, first_name, last_name, teams, kind))
        )
    finally:
        store.close()
    click.echo(added.id)


@owner.command("list")
@click.option("--archived", is_flag=True, help="List the archived owners instead.")
@database_option
def owner_list(archived: bool, database_url: str) -> None:
    """Print the owners: id, user id, email, name and teams, one a line."""
    store = _open(database_url)
    try:
        owners = Owners(store.owners()).by_id.values()
    finally:
        store.close()
    for o in owners:
        if o.archived == archived:
            teams = ", ".join(t.name for t in o.teams)
            name = f"{o.first_name} {o.last_name}".strip()
            click.echo(f"{o.id}\t{o.user_id}\t{o.email}\t{name}\t{teams}")


@owner.command("archive")
@click.argument("owner_id", type=int)
@database_option
def owner_archive(owner_id: int, database_url: str) -> None:
    """Archive an owner (as HubSpot does with a deactivated user)."""
    store = _open(database_url)
    try:
        _refused_as_usage(lambda: archive_owner(store, owner_id))
    finally:
        store.close()
    click.echo(f"Archived owner {owner_id}", err=True)


def _refused_as_usage(action: Callable[[], T]) -> T:
    """``action``'s result; a HubSpot error it raises becomes a command-line error."""
    try:
        return action()
    except HubSpotError as refused:
        raise click.ClickException(refused.message) from None


@main.command()
@database_option
def migrate(database_url: str) -> None:
    """Create or upgrade the database schema."""
    _open(database_url).close()
    click.echo(f"Database {shown_url(database_url)} is up to date", err=True)


def _quickstart(host: str, port: int, token: str, scopes: list[str]) -> str:
    base = f"http://{host}:{port}"
    return f"""
Spoke is starting on {base}  (API list: {base}/docs)

Access token (scopes: {", ".join(scopes)}):
  {token}

Try it with curl:
  curl -s -X POST {base}/crm/v3/objects/tickets/batch/read \\
    -H 'Authorization: Bearer {token}' -H 'Content-Type: application/json' \\
    -d '{{"inputs":[{{"id":"1"}},{{"id":"2"}}],"properties":["subject","hs_ticket_priority"]}}'

Or with HubSpot's Python SDK (pip install hubspot-api-client):
  import hubspot
  from hubspot.crm.tickets import BatchReadInputSimplePublicObjectId
  client = hubspot.Client.create(access_token="{token}", host="{base}")
  print(client.crm.tickets.batch_api.read(BatchReadInputSimplePublicObjectId(
      inputs=[{{"id": "1"}}, {{"id": "2"}}], properties=["subject"], properties_with_history=[])))
"""
