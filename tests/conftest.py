"""Shared fixtures: a real Spoke server on a free port over a fresh database.

Every test that takes ``server`` gets its own SQLite file and its own uvicorn server
(in a thread, bound to port 0), and talks to it over HTTP like any client would. The
server has no rate limit unless the test parametrizes ``server`` with one.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import httpx
import hubspot
import pytest
import uvicorn

from spoke.api.app import create_app
from spoke.domain.tokens import create_token
from spoke.store import Store, open_store


@dataclass
class LiveServer:
    base_url: str
    database_url: str

    def token(
        self,
        scopes: Sequence[str] = ("tickets",),
        app_id: int | None = None,
        expires_in_seconds: int | None = None,
    ) -> str:
        """A new access token, created through a connection of its own."""
        store = self.open_store()
        try:
            value, _ = create_token(store, scopes, app_id, expires_in_seconds)
        finally:
            store.close()
        return value

    def open_store(self) -> Store:
        return open_store(self.database_url)

    def http(self, token: str | None = None) -> httpx.Client:
        headers = {"Authorization": f"Bearer {token}"} if token else {}
        return httpx.Client(base_url=self.base_url, headers=headers, timeout=10)

    def sdk(self, token: str) -> hubspot.Client:
        """HubSpot's official client pointed at this server, validating every model."""
        return hubspot.Client.create(
            access_token=token, host=self.base_url, client_side_validation=True
        )


class _ThreadedServer(uvicorn.Server):
    def install_signal_handlers(self) -> None:  # the test thread is not the main thread
        pass


@contextmanager
def live_server(database_url: str, rate_limit: int | None = None) -> Iterator[LiveServer]:
    """A real server over ``database_url`` (migrated here), for as long as the block runs;
    ``rate_limit`` is passed to ``create_app``."""
    store = open_store(database_url)
    store.migrate()
    config = uvicorn.Config(
        create_app(store, rate_limit=rate_limit),
        host="127.0.0.1",
        port=0,
        log_level="warning",
        lifespan="off",
    )
    running = _ThreadedServer(config)
    thread = threading.Thread(target=running.run, daemon=True)
    thread.start()
    try:
        deadline = time.monotonic() + 10
        while not running.started:
            if time.monotonic() > deadline or not thread.is_alive():
                raise RuntimeError("the test server did not start")
            time.sleep(0.01)
        port = running.servers[0].sockets[0].getsockname()[1]
        yield LiveServer(f"http://127.0.0.1:{port}", database_url)
    finally:
        running.should_exit = True
        thread.join(timeout=10)
        store.close()


@pytest.fixture
def server(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[LiveServer]:
    """A live server on a fresh database. Parametrize it indirectly to limit its rate:
    ``@pytest.mark.parametrize("server", [5], indirect=True)`` (``rate_limit=5``)."""
    rate_limit: int | None = getattr(request, "param", None)
    with live_server(f"sqlite:///{tmp_path / 'spoke.db'}", rate_limit) as running:
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
