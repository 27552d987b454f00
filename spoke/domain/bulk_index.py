"""The search index of a bulk load (``spoke/domain/bulk_import.py``), built in a child
process so that it uses the second core while this one validates and inserts records.

The loading process sends each chunk's ids and stored values as one JSON document
(``IndexBuilder.add``); the child groups them by property and key (``IndexBuild``),
keying each distinct value once, when it first comes, with the domain's key functions
(``search_index.key_functions``, the keys every write computes). At the end it sends
the properties back one at a time, keys in order (``IndexBuilder.keyed``): the store
writes one property's rows while the child sorts the next.

The child only computes. If it fails, its exception is raised here; if this process
fails, the child is killed; either way the load's transaction rolls back.
"""

from __future__ import annotations

import multiprocessing
from collections.abc import Iterable, Iterator, Sequence
from multiprocessing.connection import Connection
from types import TracebackType
from typing import Any

import orjson

from spoke.domain import search_index
from spoke.domain.catalogue import Properties
from spoke.store.base import StoredObject
from spoke.store.search import KeyGroups, SearchKey


class IndexBuild:
    """The index rows of loaded records, grouped by property and key. Each distinct
    stored value is keyed once, when it first comes; values with the same key (text
    differing only in case) share their key's list of ids."""

    def __init__(self, properties: Properties) -> None:
        self._properties = properties
        self._functions = search_index.key_functions(properties)
        #: Per property, each stored value's list of ids: its key's list in ``_keys``.
        self._values: dict[str, dict[str, list[int]]] = {name: {} for name in self._functions}
        self._keys: dict[str, dict[SearchKey, list[int]]] = {name: {} for name in self._functions}

    def add(self, records: Iterable[Sequence[Any]]) -> None:
        """Add the values of ``records`` (``[id, values]`` each), which come in ascending
        order of id (so each key's ids are in order)."""
        values_of = self._values
        for record_id, values in records:
            for name, value in values.items():
                lists = values_of.get(name)
                if lists is not None and value:
                    ids = lists.get(value)
                    if ids is None:
                        ids = lists[value] = self._keys[name].setdefault(
                            self._functions[name](value), []
                        )
                    ids.append(record_id)

    def keyed(self) -> Iterator[KeyGroups]:
        """Every indexed property's keys in order, each with its records' ids in order;
        one property at a time, sorted as it is asked for."""
        for name in sorted(self._keys):
            del self._values[name]
            by_key = self._keys.pop(name)
            if by_key:
                numeric = self._properties.by_name[name].type in search_index.NUMERIC_TYPES
                keys = sorted(by_key)
                yield KeyGroups(name, numeric, keys, list(map(by_key.__getitem__, keys)))


class IndexBuilder:
    """An ``IndexBuild`` in a child process (a context manager: leaving it ends the
    child)."""

    def __init__(self, properties: Properties) -> None:
        # fork: the child starts at once with the catalogue and the key functions it
        # inherits, and touches nothing of the parent but its end of the pipe.
        context = multiprocessing.get_context("fork")
        self._pipe, child_end = context.Pipe()
        self._child = context.Process(
            target=_build, args=(properties, child_end), name="spoke-index"
        )
        self._child.start()
        child_end.close()

    def __enter__(self) -> IndexBuilder:
        return self

    def __exit__(
        self,
        kind: type[BaseException] | None,
        error: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        self._pipe.close()
        if kind is not None:
            self._child.kill()
        self._child.join()

    def add(self, records: Iterable[StoredObject]) -> None:
        """Add the values of ``records``, which come in ascending order of id."""
        self._pipe.send_bytes(orjson.dumps([(r.id, r.values) for r in records]))

    def keyed(self) -> Iterator[KeyGroups]:
        """What ``IndexBuild.keyed`` gives, property by property as the child keys them."""
        self._pipe.send_bytes(b"")
        while (message := self._pipe.recv()) is not None:
            if isinstance(message, BaseException):
                raise message
            yield message


def _build(properties: Properties, pipe: Connection) -> None:
    """The child: group what comes until an empty message, then send every property's
    keys and a ``None``; or the exception that stopped it."""
    try:
        index = IndexBuild(properties)
        while chunk := pipe.recv_bytes():
            index.add(orjson.loads(chunk))
        for keys in index.keyed():
            pipe.send(keys)
        pipe.send(None)
    except Exception as error:  # raised again in the loading process
        pipe.send(error)
    finally:
        pipe.close()
