"""Storage: one interface (:mod:`spoke.store.base`), one backend per database."""

from __future__ import annotations

from pathlib import Path
from urllib.parse import urlparse

from spoke.store.base import Store
from spoke.store.sqlite import SQLiteStore

DEFAULT_DATABASE_URL = "sqlite:///spoke-data/spoke.db"


class UnsupportedDatabase(ValueError):
    """The database URL names a backend Spoke does not have."""


def open_store(url: str) -> Store:
    """Open the database at ``url`` (``sqlite:///relative/path`` or ``sqlite:////abs/path``)."""
    parsed = urlparse(url)
    if parsed.scheme == "sqlite":
        return SQLiteStore(Path(parsed.path[1:] if parsed.path.startswith("/") else parsed.path))
    raise UnsupportedDatabase(
        f"unsupported database URL {url!r}: expected sqlite:///path/to/file.db"
    )


__all__ = ["DEFAULT_DATABASE_URL", "Store", "UnsupportedDatabase", "open_store"]
