"""A fresh Spoke for one client run: its own SQLite file, demo tickets, an all-scopes token.

Spoke is started from the clone the harness lives in (``.venv/bin/spoke``), so the harness
measures the code next to it. The harness talks to this Spoke directly (never through a
client's proxy) to learn which tickets are live and to make the changes an incremental
sync must pick up.
"""

from __future__ import annotations

import json
import socket
import subprocess
import time
import urllib.error
import urllib.request
from pathlib import Path
from typing import Any

from spoke.domain.tokens import KNOWN_SCOPES

REPO = Path(__file__).resolve().parents[2]
SPOKE = REPO / ".venv" / "bin" / "spoke"

#: Demo tickets loaded at start: three pages at the usual page size of 100.
DEMO_TICKETS = 250
#: Tickets archived before a client runs: they are not live and must not be synced.
ARCHIVED_BEFORE_SYNC = ("3", "7")


class SpokeError(RuntimeError):
    """Spoke could not be started or did not answer as the harness expects."""


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
    return port


class FreshSpoke:
    """``spoke serve`` on a new database in ``folder``, stopped on exit."""

    def __init__(self, folder: Path) -> None:
        self.folder = folder
        self.port = _free_port()
        self.database = f"sqlite:///{folder / 'spoke.db'}"
        self.token = ""
        self._process: subprocess.Popen[bytes] | None = None

    @property
    def base_url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def __enter__(self) -> FreshSpoke:
        self.folder.mkdir(parents=True, exist_ok=True)
        self.token = subprocess.run(
            [
                str(SPOKE),
                "token",
                "create",
                "--database",
                self.database,
                "--scopes",
                ",".join(sorted(KNOWN_SCOPES)),
            ],
            check=True,
            capture_output=True,
            text=True,
        ).stdout.strip()
        log = (self.folder / "spoke.log").open("wb")
        self._process = subprocess.Popen(
            [
                str(SPOKE),
                "serve",
                "--database",
                self.database,
                "--port",
                str(self.port),
                "--demo-tickets",
                str(DEMO_TICKETS),
            ],
            stdout=log,
            stderr=subprocess.STDOUT,
        )
        self._wait_until_ready()
        for ticket_id in ARCHIVED_BEFORE_SYNC:
            self.request("DELETE", f"/crm/v3/objects/tickets/{ticket_id}")
        return self

    def __exit__(self, *_: object) -> None:
        if self._process is not None:
            self._process.terminate()
            try:
                self._process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self._process.kill()
                self._process.wait()

    def _wait_until_ready(self, seconds: float = 60) -> None:
        deadline = time.monotonic() + seconds
        while time.monotonic() < deadline:
            assert self._process is not None
            if self._process.poll() is not None:
                raise SpokeError(f"spoke serve exited; see {self.folder / 'spoke.log'}")
            try:
                self.request("GET", "/crm/v3/objects/tickets?limit=1")
                return
            except (OSError, SpokeError):
                time.sleep(0.2)
        raise SpokeError(f"spoke serve did not answer within {seconds} s")

    def request(self, method: str, path: str, body: object = None) -> Any:
        """One call to Spoke's API with the token; the decoded JSON answer (None if empty)."""
        data = None if body is None else json.dumps(body).encode()
        request = urllib.request.Request(
            self.base_url + path,
            data=data,
            method=method,
            headers={"authorization": f"Bearer {self.token}", "content-type": "application/json"},
        )
        try:
            with urllib.request.urlopen(request, timeout=30) as answer:
                raw = answer.read()
        except urllib.error.HTTPError as error:
            raise SpokeError(f"{method} {path}: {error.code} {error.read()[:300]!r}") from error
        return json.loads(raw) if raw else None

    def live_ticket_ids(self) -> set[str]:
        """Every ticket Spoke lists as not archived, read page by page."""
        ids: set[str] = set()
        path = "/crm/v3/objects/tickets?limit=100"
        while True:
            page = self.request("GET", path)
            ids |= {ticket["id"] for ticket in page["results"]}
            after = page.get("paging", {}).get("next", {}).get("after")
            if not after:
                return ids
            path = f"/crm/v3/objects/tickets?limit=100&after={after}"

    def change_tickets(self) -> set[str]:
        """Update one live ticket and create one: what an incremental sync must bring.
        Returns their ids."""
        updated = min(self.live_ticket_ids(), key=int)
        self.request(
            "PATCH",
            f"/crm/v3/objects/tickets/{updated}",
            {"properties": {"subject": "Changed after the first sync"}},
        )
        created = self.request(
            "POST",
            "/crm/v3/objects/tickets",
            {
                "properties": {
                    "subject": "Created after the first sync",
                    "hs_pipeline": "0",
                    "hs_pipeline_stage": "1",
                }
            },
        )
        return {updated, created["id"]}
