"""Installing each client from its registry into the cache, once per pinned version."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path


class InstallError(RuntimeError):
    """A client could not be installed from its registry."""


def _run(command: list[str], cwd: Path | None = None) -> None:
    done = subprocess.run(command, cwd=cwd, capture_output=True, text=True, check=False)
    if done.returncode != 0:
        tail = (done.stderr or done.stdout).strip().splitlines()[-3:]
        raise InstallError(f"{' '.join(command[:4])}...: " + " | ".join(tail))


def _installed(folder: Path, pins: str) -> bool:
    marker = folder / ".installed"
    return marker.exists() and marker.read_text(encoding="utf-8") == pins


def _mark(folder: Path, pins: str) -> None:
    (folder / ".installed").write_text(pins, encoding="utf-8")


def python_env(folder: Path, requirements: list[str]) -> Path:
    """A virtual environment in ``folder`` with exactly ``requirements`` installed from PyPI
    (with pip's own resolution of their dependencies); its ``bin`` folder."""
    pins = "\n".join(requirements)
    if not _installed(folder, pins):
        # The harness runs from Spoke's .venv; a client's environment must not inherit it.
        base_python = getattr(sys, "_base_executable", sys.executable)
        _run([base_python, "-m", "venv", "--clear", str(folder)])
        _run([str(folder / "bin" / "pip"), "install", "--quiet", *requirements])
        _mark(folder, pins)
    return folder / "bin"


def node_modules(folder: Path, packages: list[str]) -> Path:
    """``packages`` installed from npm into ``folder``; its ``node_modules``."""
    pins = "\n".join(packages)
    if not _installed(folder, pins):
        folder.mkdir(parents=True, exist_ok=True)
        (folder / "package.json").write_text('{"private": true}\n', encoding="utf-8")
        _run(["npm", "install", "--no-audit", "--no-fund", "--save-exact", *packages], cwd=folder)
        _mark(folder, pins)
    return folder / "node_modules"
