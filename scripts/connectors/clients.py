"""The real HubSpot clients the harness runs, each installed and run as its users do.

Every client gets only its base URL changed. Clients with a setting for it get the
setting; clients whose code names ``https://api.hubapi.com`` get the redirect in
``redirect/sitecustomize.py`` (their code runs as published; only where their requests
land changes). Each sync returns the ids of the tickets the client delivered.
"""

from __future__ import annotations

import json
import os
import subprocess
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, ClassVar

import installs

HERE = Path(__file__).resolve().parent
DRIVERS = HERE / "drivers"
REDIRECT = HERE / "redirect"

#: A start date before any demo ticket, for clients that require one.
START_DATE = "2000-01-01T00:00:00Z"


class SyncFailed(RuntimeError):
    """The client did not finish its sync; the message is its own last words."""


@dataclass
class Run:
    """What one client run knows: where Spoke is (behind the recording proxy), the token,
    a private work folder, and how much the caller wants synced."""

    base_url: str
    token: str
    folder: Path
    all_streams: bool = False
    timeout: float = 900
    since_millis: int = 0
    """For incremental syncs: an instant before the changes they must pick up."""
    state: dict[str, Any] = field(default_factory=dict)
    """What a client keeps between its full and incremental syncs (bookmarks)."""

    def execute(self, command: list[str], name: str, env: dict[str, str] | None = None) -> str:
        """Run ``command`` in the work folder; its stdout. Keeps stdout and stderr in
        ``name.out`` and ``name.err``; raises :class:`SyncFailed` when it fails."""
        environment = {**os.environ, **(env or {})}
        environment.pop("VIRTUAL_ENV", None)
        try:
            done = subprocess.run(
                command,
                cwd=self.folder,
                env=environment,
                capture_output=True,
                text=True,
                timeout=self.timeout,
                check=False,
            )
        except subprocess.TimeoutExpired as expired:
            raise SyncFailed(f"{name}: still running after {self.timeout:.0f} s") from expired
        except OSError as error:  # the client's program is missing (node, for one)
            raise SyncFailed(f"{name}: {error}") from error
        (self.folder / f"{name}.out").write_text(done.stdout, encoding="utf-8")
        (self.folder / f"{name}.err").write_text(done.stderr, encoding="utf-8")
        if done.returncode != 0:
            raise SyncFailed(f"{name}: exit {done.returncode}: {last_words(done.stderr)}")
        return done.stdout

    def redirected(self) -> dict[str, str]:
        """The environment that sends a Python client's api.hubapi.com requests to Spoke."""
        return {"PYTHONPATH": str(REDIRECT), "SPOKE_BASE_URL": self.base_url}


def last_words(stderr: str) -> str:
    """The most telling words of a failed client's stderr: the exception that ended its
    last traceback, or else its last line that mentions an error."""
    lines = [line.rstrip() for line in stderr.splitlines()]
    starts = [i for i, line in enumerate(lines) if line.startswith("Traceback (most recent")]
    if starts:
        after = lines[starts[-1] + 1 :]
        ends = [i for i, line in enumerate(after) if line and not line[0].isspace()]
        if ends:
            message = []  # the exception's message runs on until a blank line
            for line in after[ends[0] :]:
                if not line.strip():
                    if message and not message[-1].endswith(":"):
                        break
                    continue
                message.append(line.strip())
            return " ".join(message)[:400]
    said = [line.strip() for line in lines if line.strip()]
    for line in reversed(said):
        if "rror" in line or "Exception" in line:
            return line[:400]
    return said[-1][:400] if said else "(no output)"


def json_lines(text: str) -> Iterator[dict[str, Any]]:
    for line in text.splitlines():
        if line.startswith("{"):
            try:
                yield json.loads(line)
            except json.JSONDecodeError:
                continue


def driver_ids(stdout: str) -> set[str]:
    """The ids a driver script printed as its last JSON line."""
    printed = list(json_lines(stdout))
    if not printed:
        raise SyncFailed("the driver printed no result")
    return {str(ticket_id) for ticket_id in printed[-1]["ids"]}


class Client:
    """One client: how to install it and how to run its syncs."""

    key: ClassVar[str]
    """A short name for --only and for the client's log folder."""
    name: ClassVar[str]
    registry: ClassVar[str]
    requirement: ClassVar[str]
    """The pinned package, as its registry's client takes it."""
    base_url_setting: ClassVar[str]
    has_incremental: ClassVar[bool] = False
    last_result: ClassVar[str] = "not recorded here"
    """What the harness last measured for it, as docs/coverage.md records it."""

    def __init__(self, cache: Path) -> None:
        self.cache = cache / self.key

    def install(self) -> None:
        raise NotImplementedError

    def full_sync(self, run: Run) -> set[str]:
        raise NotImplementedError

    def before_changes(self, run: Run) -> None:
        """What the client does before the tickets change, for its incremental sync to
        have a starting point (beyond its full sync's own state)."""

    def incremental_sync(self, run: Run) -> set[str]:
        raise NotImplementedError


class _PythonClient(Client):
    registry = "PyPI"
    bin: Path

    def install(self) -> None:
        self.bin = installs.python_env(self.cache, [self.requirement])


# -- singer-io tap-hubspot --------------------------------------------------------------


def _select_singer(catalog: dict[str, Any], streams: set[str] | None) -> dict[str, Any]:
    """Mark streams (all when ``streams`` is None) and all their fields selected, as a
    Stitch user who picks a stream does."""
    for stream in catalog["streams"]:
        chosen = streams is None or stream["tap_stream_id"] in streams
        for entry in stream["metadata"]:
            if not entry["breadcrumb"] or entry["metadata"].get("inclusion") == "available":
                entry["metadata"]["selected"] = chosen
    return catalog


def _singer_records(stdout: str, stream: str) -> tuple[set[str], dict[str, Any]]:
    """The ids of a stream's RECORD messages, and the last STATE."""
    ids: set[str] = set()
    state: dict[str, Any] = {}
    for message in json_lines(stdout):
        if message.get("type") == "RECORD" and message.get("stream") == stream:
            ids.add(str(message["record"]["id"]))
        elif message.get("type") == "STATE":
            state = message["value"]
    return ids, state


class SingerTapHubspot(_PythonClient):
    key = "singer"
    name = "singer-io tap-hubspot"
    last_result = "pass: 248/248 live tickets, incremental 2/2 changed, main 0172d01 (2026-12-06)"
    requirement = "tap-hubspot==4.5.0"
    base_url_setting = "none (BASE_URL in tap_hubspot/__init__.py): redirected"
    has_incremental = True

    def _tap(self, run: Run, arguments: list[str], name: str) -> str:
        config = run.folder / "singer-config.json"
        config.write_text(
            json.dumps({"api_key": run.token, "start_date": START_DATE}), encoding="utf-8"
        )
        command = [str(self.bin / "tap-hubspot"), "--config", str(config), *arguments]
        return run.execute(command, name, run.redirected())

    def full_sync(self, run: Run) -> set[str]:
        catalog = json.loads(self._tap(run, ["--discover"], "discover"))
        selected = run.folder / "catalog.json"
        streams = None if run.all_streams else {"tickets"}
        selected.write_text(json.dumps(_select_singer(catalog, streams)), encoding="utf-8")
        ids, run.state = _singer_records(
            self._tap(run, ["--properties", str(selected)], "sync"), "tickets"
        )
        return ids

    def incremental_sync(self, run: Run) -> set[str]:
        state = run.folder / "state.json"
        state.write_text(json.dumps(run.state), encoding="utf-8")
        arguments = ["--properties", str(run.folder / "catalog.json"), "--state", str(state)]
        ids, run.state = _singer_records(self._tap(run, arguments, "incremental"), "tickets")
        return ids


# -- MeltanoLabs tap-hubspot ------------------------------------------------------------


class MeltanoTapHubspot(_PythonClient):
    key = "meltano"
    name = "MeltanoLabs tap-hubspot"
    requirement = "meltano-tap-hubspot==0.10.1"
    base_url_setting = "none (url_base in tap_hubspot/client.py, streams.py): redirected"
    last_result = "pass: 248/248 live tickets, main 0172d01 (2026-12-06)"

    def full_sync(self, run: Run) -> set[str]:
        config = run.folder / "meltano-config.json"
        config.write_text(
            json.dumps({"access_token": run.token, "start_date": START_DATE}), encoding="utf-8"
        )
        tap = [str(self.bin / "tap-hubspot"), "--config", str(config)]
        catalog = json.loads(run.execute([*tap, "--discover"], "discover", run.redirected()))
        for stream in catalog["streams"]:
            chosen = run.all_streams or stream["tap_stream_id"] == "tickets"
            for entry in stream["metadata"]:
                if not entry["breadcrumb"]:
                    entry["metadata"]["selected"] = chosen
        selected = run.folder / "catalog.json"
        selected.write_text(json.dumps(catalog), encoding="utf-8")
        stdout = run.execute([*tap, "--catalog", str(selected)], "sync", run.redirected())
        return _singer_records(stdout, "tickets")[0]


# -- Airbyte source-hubspot -------------------------------------------------------------


class AirbyteSourceHubspot(_PythonClient):
    key = "airbyte"
    name = "Airbyte source-hubspot"
    requirement = "airbyte-source-hubspot==5.7.0"
    base_url_setting = "none (url_base in source_hubspot/manifest.yaml): redirected"
    has_incremental = True
    last_result = "pass: 248/248 live tickets, incremental 2/2 changed, main 0172d01 (2026-12-06)"

    def _source(self, run: Run, arguments: list[str], name: str) -> list[dict[str, Any]]:
        config = run.folder / "airbyte-config.json"
        credentials = {"credentials_title": "Private App Credentials", "access_token": run.token}
        config.write_text(
            json.dumps({"credentials": credentials, "start_date": START_DATE}), encoding="utf-8"
        )
        command = [str(self.bin / "source-hubspot"), *arguments[:1], "--config", str(config)]
        try:
            stdout = run.execute([*command, *arguments[1:]], name, run.redirected())
        except SyncFailed as failed:
            out = (run.folder / f"{name}.out").read_text(encoding="utf-8")
            raise SyncFailed(f"{name}: {_airbyte_error(out) or failed}") from failed
        messages = list(json_lines(stdout))
        if error := _airbyte_error(stdout):
            raise SyncFailed(f"{name}: {error}")
        return messages

    def _read(self, run: Run, mode: str, name: str, state: Path | None = None) -> set[str]:
        catalog = run.folder / f"catalog.{mode}.json"
        streams = [
            {
                "stream": stream,
                "sync_mode": mode if mode in stream["supported_sync_modes"] else "full_refresh",
                "destination_sync_mode": "append",
                "cursor_field": stream.get("default_cursor_field") or [],
                "primary_key": stream.get("source_defined_primary_key") or [],
            }
            for stream in run.state["catalog"]["streams"]
            if run.all_streams or stream["name"] == "tickets"
        ]
        catalog.write_text(json.dumps({"streams": streams}), encoding="utf-8")
        arguments = ["read", "--catalog", str(catalog)]
        if state is not None:
            arguments += ["--state", str(state)]
        ids: set[str] = set()
        states: list[dict[str, Any]] = []
        for message in self._source(run, arguments, name):
            if message.get("type") == "RECORD" and message["record"]["stream"] == "tickets":
                ids.add(str(message["record"]["data"]["id"]))
            elif message.get("type") == "STATE":
                states.append(message["state"])
        run.state["airbyte_state"] = _latest_per_stream(states)
        return ids

    def full_sync(self, run: Run) -> set[str]:
        for message in self._source(run, ["check"], "check"):
            status = message.get("connectionStatus")
            if status and status.get("status") != "SUCCEEDED":
                raise SyncFailed(f"check: {status.get('message')}")
        (catalog,) = [
            message["catalog"]
            for message in self._source(run, ["discover"], "discover")
            if message.get("type") == "CATALOG"
        ]
        run.state["catalog"] = catalog
        return self._read(run, "full_refresh", "read-full-refresh")

    def before_changes(self, run: Run) -> None:
        """An incremental connection's first read: it has no state yet and reads all."""
        self._read(run, "incremental", "read-incremental-first")

    def incremental_sync(self, run: Run) -> set[str]:
        state = run.folder / "state.json"
        state.write_text(json.dumps(run.state["airbyte_state"]), encoding="utf-8")
        return self._read(run, "incremental", "read-incremental", state)


def _airbyte_error(stdout: str) -> str | None:
    """The first error an Airbyte source reported as a TRACE message, if any."""
    for message in json_lines(stdout):
        trace = message.get("trace", {})
        if message.get("type") == "TRACE" and trace.get("type") == "ERROR":
            error = trace["error"]
            return str(error.get("internal_message") or error.get("message"))[:400]
    return None


def _latest_per_stream(states: list[dict[str, Any]]) -> list[dict[str, Any]]:
    latest: dict[str, dict[str, Any]] = {}
    for state in states:
        if state.get("type") == "STREAM":
            latest[state["stream"]["stream_descriptor"]["name"]] = state
    return list(latest.values())


# -- dlt's verified HubSpot source ------------------------------------------------------


class DltHubspot(_PythonClient):
    key = "dlt"
    name = "dlt hubspot source"
    last_result = (
        "pass: 248/248 live tickets, from a local copy of the verified sources,"
        " main 0172d01 (2026-12-06)"
    )
    registry = "PyPI, then `dlt init hubspot duckdb` (from GitHub)"
    requirement = "dlt[duckdb]==1.31.0"
    base_url_setting = "none (BASE_URL in hubspot/helpers.py): redirected"
    #: Where ``dlt init`` takes verified sources from; None: dlt's default (GitHub).
    sources_location: ClassVar[str | None] = None

    def install(self) -> None:
        super().install()
        project = self.cache / "project"
        if not (project / "hubspot" / "__init__.py").exists():
            project.mkdir(parents=True, exist_ok=True)
            command = [str(self.bin / "dlt"), "--non-interactive", "--disable-telemetry"]
            command += ["init", "hubspot", "duckdb"]
            if self.sources_location:
                command += ["--location", self.sources_location]
            done = subprocess.run(command, cwd=project, capture_output=True, text=True, check=False)
            if not (project / "hubspot" / "__init__.py").exists():
                raise installs.InstallError(
                    f"dlt init hubspot duckdb: {last_words(done.stdout + done.stderr)}"
                )

    def full_sync(self, run: Run) -> set[str]:
        project = run.folder / "project"
        if not project.exists():
            subprocess.run(["cp", "-r", str(self.cache / "project"), str(project)], check=True)
        selection = "all" if run.all_streams else "tickets"
        command = [str(self.bin / "python"), str(DRIVERS / "dlt_sync.py"), str(project), selection]
        env = {**run.redirected(), "SOURCES__HUBSPOT__API_KEY": run.token}
        return driver_ids(run.execute(command, "sync", env))


# -- hubspot3 ---------------------------------------------------------------------------


class Hubspot3(_PythonClient):
    key = "hubspot3"
    name = "hubspot3"
    last_result = "pass: 248/248 live tickets, main 0172d01 (2026-12-06)"
    requirement = "hubspot3==3.2.56"
    base_url_setting = "Hubspot3(api_base=...)"

    def full_sync(self, run: Run) -> set[str]:
        command = [
            str(self.bin / "python"),
            str(DRIVERS / "hubspot3_sync.py"),
            run.base_url,
            run.token,
        ]
        return driver_ids(run.execute(command, "sync"))


# -- HubSpot's official SDKs ------------------------------------------------------------


class NodeSdk(Client):
    key = "node-sdk"
    name = "@hubspot/api-client"
    last_result = "pass: 248/248 live tickets, incremental 2/2 changed, main 0172d01 (2026-12-06)"
    registry = "npm"
    requirement = "@hubspot/api-client@14.0.1"
    base_url_setting = "new Client({basePath})"
    has_incremental = True
    modules: Path

    def install(self) -> None:
        self.modules = installs.node_modules(self.cache, [self.requirement])

    def _driver(self, run: Run, extra: list[str], name: str) -> set[str]:
        command = ["node", str(DRIVERS / "node_sdk_sync.cjs"), run.base_url, run.token, *extra]
        return driver_ids(run.execute(command, name, {"NODE_PATH": str(self.modules)}))

    def full_sync(self, run: Run) -> set[str]:
        return self._driver(run, [], "sync")

    def incremental_sync(self, run: Run) -> set[str]:
        return self._driver(run, [str(run.since_millis)], "incremental")


class PythonSdk(_PythonClient):
    key = "python-sdk"
    name = "hubspot-sdk"
    last_result = "pass: 248/248 live tickets, incremental 2/2 changed, main 0172d01 (2026-12-06)"
    requirement = "hubspot-sdk==0.1.0a9"
    base_url_setting = "HubSpot(base_url=...)"
    has_incremental = True

    def _driver(self, run: Run, extra: list[str], name: str) -> set[str]:
        driver = str(DRIVERS / "hubspot_sdk_sync.py")
        command = [str(self.bin / "python"), driver, run.base_url, run.token, *extra]
        return driver_ids(run.execute(command, name))

    def full_sync(self, run: Run) -> set[str]:
        return self._driver(run, [], "sync")

    def incremental_sync(self, run: Run) -> set[str]:
        return self._driver(run, [str(run.since_millis)], "incremental")


CLIENTS: tuple[type[Client], ...] = (
    DltHubspot,
    NodeSdk,
    SingerTapHubspot,
    MeltanoTapHubspot,
    AirbyteSourceHubspot,
    Hubspot3,
    PythonSdk,
)


def coverage_section() -> list[str]:
    """The "Real clients" section of docs/coverage.md: the clients the harness pins."""
    lines = [
        "## Real clients",
        "",
        "Popular HubSpot clients, installed from their registries at these versions, are run",
        "against a fresh Spoke with only the base URL changed by `scripts/connectors/run.py`",
        "(a full sync of tickets, and an incremental sync where the client has one; it",
        "reports per client the live tickets synced and the first error). It needs network",
        "access to PyPI and npm and takes minutes, so it is not part of `scripts/test`:",
        "",
        "    .venv/bin/python scripts/connectors/run.py",
        "",
        "See [scripts/connectors/README.md](../scripts/connectors/README.md).",
        "",
        "| Client | Registry | Version | Base URL set by | Incremental sync | Last result |",
        "|---|---|---|---|---|---|",
    ]
    for client in CLIENTS:
        incremental = "yes" if client.has_incremental else "no"
        cells = [client.name, client.registry, f"`{client.requirement}`"]
        more = [client.base_url_setting, incremental, client.last_result]
        lines.append("| " + " | ".join([*cells, *more]) + " |")
    return lines
