"""Schema migrations for every backend, applied with yoyo-migrations.

Each backend has a folder of numbered SQL files beside this module; a migration
applied once is recorded in the database and never applied again.
"""

from __future__ import annotations

from pathlib import Path

from yoyo import get_backend, read_migrations

_HERE = Path(__file__).parent


def apply_migrations(backend_name: str, url: str) -> None:
    backend = get_backend(url)
    migrations = read_migrations(str(_HERE / backend_name))
    with backend.lock():
        backend.apply_migrations(backend.to_apply(migrations))
    backend.connection.close()
