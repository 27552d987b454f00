"""The SQLite backend's associations (see :mod:`spoke.store.sqlite`): what its
transactions write, and what its store reads."""

from __future__ import annotations

import sqlite3
from abc import abstractmethod
from collections.abc import Sequence

from spoke.domain.associations.definitions import AssociationLabel
from spoke.store.association_rows import (
    ASSOCIATION_COLUMNS,
    LABEL_CATEGORY,
    LABEL_COLUMNS,
    association_from_row,
    association_row,
    label_from_row,
    label_row,
)
from spoke.store.base import StoredAssociation, iter_chunks

#: Rows or ids per statement (two parameters a pair).
_CHUNK = 250

_KEY = "from_id = ? AND to_object_type = ? AND to_id = ? AND category = ? AND type_id = ?"


def _placeholders(count: int) -> str:
    return ",".join("?" * count)


def _pairs(count: int) -> str:
    return ",".join(["(?, ?)"] * count)


class SQLiteAssociationWrites:
    """The association methods of :class:`spoke.store.sqlite.SQLiteTransaction`."""

    @property
    @abstractmethod
    def _db(self) -> sqlite3.Connection:
        """The transaction's connection."""

    def associations_between(
        self, to_object_type: str, pairs: Sequence[tuple[int, int]]
    ) -> list[StoredAssociation]:
        found: list[StoredAssociation] = []
        for chunk in iter_chunks(list(dict.fromkeys(pairs)), _CHUNK):
            rows = self._db.execute(
                f"SELECT {ASSOCIATION_COLUMNS} FROM associations WHERE to_object_type = ? "
                f"AND (from_id, to_id) IN (VALUES {_pairs(len(chunk))})",
                (to_object_type, *(i for pair in chunk for i in pair)),
            )
            found.extend(map(association_from_row, rows))
        return found

    def associations_from(
        self, ids: Sequence[int], to_object_type: str | None = None
    ) -> list[StoredAssociation]:
        found: list[StoredAssociation] = []
        of_type = "" if to_object_type is None else " AND to_object_type = ?"
        for chunk in iter_chunks(list(dict.fromkeys(ids)), _CHUNK):
            parameters = (*chunk,) if to_object_type is None else (*chunk, to_object_type)
            rows = self._db.execute(
                f"SELECT {ASSOCIATION_COLUMNS} FROM associations "
                f"WHERE from_id IN ({_placeholders(len(chunk))}){of_type}",
                parameters,
            )
            found.extend(map(association_from_row, rows))
        return found

    def insert_associations(self, rows: Sequence[StoredAssociation]) -> None:
        self._db.executemany(
            f"INSERT OR IGNORE INTO associations ({ASSOCIATION_COLUMNS}) VALUES (?, ?, ?, ?, ?, ?)",
            map(association_row, rows),
        )

    def delete_associations(self, rows: Sequence[StoredAssociation]) -> None:
        self._db.executemany(
            f"DELETE FROM associations WHERE {_KEY}",
            [(a.from_id, a.to_object_type, a.to_id, a.category, a.type_id) for a in rows],
        )

    def delete_associations_of(self, ids: Sequence[int]) -> None:
        for chunk in iter_chunks(list(dict.fromkeys(ids)), _CHUNK):
            within = f"from_id IN ({_placeholders(len(chunk))})"
            self._db.execute(
                "DELETE FROM associations WHERE (from_id, to_object_type, to_id) IN "
                f"(SELECT to_id, from_object_type, from_id FROM associations WHERE {within})",
                chunk,
            )
            self._db.execute(f"DELETE FROM associations WHERE {within}", chunk)

    def allocate_association_type_ids(self, count: int) -> list[int]:
        (last,) = self._db.execute(
            "UPDATE association_type_ids SET last_id = last_id + ? RETURNING last_id", (count,)
        ).fetchone()
        return list(range(last - count + 1, last + 1))

    def save_association_labels(self, labels: Sequence[AssociationLabel]) -> None:
        self._db.executemany(
            f"INSERT OR REPLACE INTO association_labels ({LABEL_COLUMNS}) "
            "VALUES (?, ?, ?, ?, ?, ?)",
            map(label_row, labels),
        )

    def delete_association_labels(self, type_ids: Sequence[int]) -> None:
        for chunk in iter_chunks(list(type_ids), _CHUNK):
            listed = _placeholders(len(chunk))
            self._db.execute(f"DELETE FROM association_labels WHERE type_id IN ({listed})", chunk)
            self._db.execute(
                f"DELETE FROM associations WHERE category = ? AND type_id IN ({listed})",
                (LABEL_CATEGORY, *chunk),
            )


class SQLiteAssociationReads:
    """The association methods of :class:`spoke.store.sqlite.SQLiteStore`."""

    _db: sqlite3.Connection

    def association_labels(self) -> list[AssociationLabel]:
        rows = self._db.execute(f"SELECT {LABEL_COLUMNS} FROM association_labels ORDER BY type_id")
        return list(map(label_from_row, rows))

    def read_associations(
        self,
        from_object_type: str,
        to_object_type: str,
        starts: Sequence[tuple[int, int]],
        per_record: int,
    ) -> list[StoredAssociation]:
        found: list[StoredAssociation] = []
        for chunk in iter_chunks(starts, _CHUNK):
            rows = self._db.execute(
                f"WITH wanted(from_id, start_id) AS (VALUES {_pairs(len(chunk))}) "
                f"SELECT {ASSOCIATION_COLUMNS} FROM ("
                f"SELECT {', '.join('a.' + c for c in ASSOCIATION_COLUMNS.split(', '))}, "
                "dense_rank() OVER (PARTITION BY a.from_id ORDER BY a.to_id) AS position "
                "FROM wanted w JOIN associations a ON a.from_id = w.from_id "
                "WHERE a.to_object_type = ? AND a.to_id >= w.start_id "
                "AND a.from_object_type = ?"
                ") WHERE position <= ? ORDER BY from_id, to_id, category, type_id",
                (
                    *(i for start in chunk for i in start),
                    to_object_type,
                    from_object_type,
                    per_record,
                ),
            )
            found.extend(map(association_from_row, rows))
        return found
