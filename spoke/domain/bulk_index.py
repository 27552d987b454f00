"""The search index of a bulk load (``spoke/domain/bulk_import.py``), built in a child
process so that it uses the second core while this one validates and inserts records.

The loading process sends each chunk's ids and stored values as one JSON document
(``IndexBuilder.add``); the child groups them by property and stored value
(``IndexBuild``). At the end it keys each distinct value once, with the domain's key
functions (``search_index.key_functions``, the keys every write computes), and sends
the properties back one at a time, keys in order (``IndexBuilder.keyed``): the store
writes one property's rows while the child keys the next.

The child only computes. If it fails, its exception is raised here; if this process
fails, the child is killed; either way the load's transaction rolls back.
"""

from __future__ import annotations

import multiprocessing
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from multiprocessing.connection import Connection
from types import TracebackType
from typing import Any

import orjson

from spoke.domain import search_index
from spoke.domain.catalogue import Properties
from spoke.store.base import StoredObject
from spoke.store.search import KeyGroups, SearchKey


class IndexBuild:
    """The index rows of loaded records, grouped by property and stored value."""

    def __init__(self, properties: Properties) -> None:
        self._properties = properties
        self._functions = search_index.key_functions(properties)
        self._values: dict[str, dict[str, list[int]]] = {name: {} for name in self._functions}

    def add(self, records: Iterable[Sequence[Any]]) -> None:
        """Add the values of ``records`` (``[id, values]`` each), which come in ascending
        order of id."""
        values_of = self._values
        for record_id, values in records:
            for name, value in values.items():
                groups = values_of.get(name)
                if groups is not None and value:
                    groups.setdefault(value, []).append(record_id)

    def keyed(self) -> Iterator[KeyGroups]:
        """Every indexed property's keys in order, each with its records' ids in order;
        one property at a time, keyed as it is asked for."""
        for name in sorted(self._values):
            by_value = self._values.pop(name)
            if by_value:
                numeric = self._properties.by_name[name].type in search_index.NUMERIC_TYPES
                yield KeyGroups(name, numeric, _keyed(self._functions[name], by_value))


def _keyed(
    key_of: Callable[[str], SearchKey], by_value: Mapping[str, list[int]]
) -> list[tuple[SearchKey, list[int]]]:
    keys = list(map(key_of, by_value))
    by_key = dict(zip(keys, by_value.values(), strict=True))
    if len(by_key) < len(keys):  # values that differ only in case share a text key
        by_key = {}
        for key, ids in zip(keys, by_value.values(), strict=True):
            held = by_key.get(key)
            if held is None:
                by_key[key] = ids
            else:
                held.extend(ids)
        for ids in by_key.values():
            ids.sort()
    return sorted(by_key.items())


class IndexBuilder:
    """An ``IndexBuild`` in a child process (a context manager: leaving it ends the
    child)."""

    def __init__(self, properties: Properties) -> None:
        # fork: the child starts at once with the catalogue and the key functions it
        # inherits, and touches nothing of the parent but its end of the pipe.
        context = multiprocessing.get_context("fork")
        self._pipe, child_end = context.Pipe()
        self._child = context.Process(
            target=_build, args=(properties, child_end), name="spoke-index", daemon=True
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
