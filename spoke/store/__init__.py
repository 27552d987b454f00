"""Storage: one interface (:mod:`spoke.store.base`), one backend per database."""

from __future__ import annotations

import sqlite3
from pathlib import Path
from urllib.parse import urlparse

import psycopg

from spoke.store import postgres
from spoke.store.base import DatabaseUnavailable, Store
from spoke.store.postgres import PostgresStore
from spoke.store.sqlite import SQLiteStore

DEFAULT_DATABASE_URL = "sqlite:///spoke-data/spoke.db"


class UnsupportedDatabase(ValueError):
    """The database URL names a backend Spoke does not have."""


def shown_url(url: str) -> str:
    """``url`` fit to print: any password replaced by ``***``."""
    parsed = urlparse(url)
    if parsed.password is None:
        return url
    host = parsed.netloc.rpartition("@")[2]
    return parsed._replace(netloc=f"{parsed.username or ''}:***@{host}").geturl()


def open_store(url: str) -> Store:
    """Open the database at ``url``: ``sqlite:///relative/path``, ``sqlite:////abs/path``
    or ``postgresql://user[:password]@host[:port]/database`` (also ``postgres://``)."""
    parsed = urlparse(url)
    if parsed.scheme == "sqlite":
        return SQLiteStore(Path(parsed.path[1:] if parsed.path.startswith("/") else parsed.path))
    if parsed.scheme in postgres.SCHEMES:
        return PostgresStore(url)
    raise UnsupportedDatabase(
        f"unsupported database URL {shown_url(url)!r}: expected sqlite:///path/to/file.db "
        "or postgresql://user@host:port/database"
    )


def timed_out(error: BaseException) -> bool:
    """Whether ``error`` is a statement cancelled at its time limit
    (:meth:`Store.limit_statement_time`), on either backend."""
    if isinstance(error, psycopg.errors.QueryCanceled):
        return True
    return (
        isinstance(error, sqlite3.OperationalError)
        and error.sqlite_errorcode == sqlite3.SQLITE_INTERRUPT
    )


__all__ = [
    "DEFAULT_DATABASE_URL",
    "DatabaseUnavailable",
    "Store",
    "UnsupportedDatabase",
    "open_store",
    "shown_url",
    "timed_out",
]
