"""The PostgreSQL backend's associations (see :mod:`spoke.store.postgres`): what its
transactions write, and what its store reads. Rows and ids go as arrays (``unnest``), one
statement each."""

from __future__ import annotations

from collections.abc import Callable, Sequence

import psycopg
from psycopg.rows import TupleRow

from spoke.domain.associations.definitions import AssociationLabel
from spoke.store.association_rows import (
    ASSOCIATION_COLUMNS,
    LABEL_CATEGORY,
    LABEL_COLUMNS,
    association_columns,
    association_from_row,
    label_from_row,
    label_row,
)
from spoke.store.base import StoredAssociation

Connection = psycopg.Connection[TupleRow]

_ROWS = "unnest(%s::text[], %s::bigint[], %s::text[], %s::bigint[], %s::text[], %s::bigint[])"
_QUALIFIED = ", ".join("a." + column for column in ASSOCIATION_COLUMNS.split(", "))


class PostgresAssociationWrites:
    """The association methods of :class:`spoke.store.postgres.PostgresTransaction`."""

    _db: Connection

    def associations_between(
        self, to_object_type: str, pairs: Sequence[tuple[int, int]]
    ) -> list[StoredAssociation]:
        if not pairs:
            return []
        froms, tos = zip(*dict.fromkeys(pairs), strict=True)
        rows = self._db.execute(
            f"SELECT {_QUALIFIED} FROM associations a "
            "JOIN unnest(%s::bigint[], %s::bigint[]) AS p(f, t) "
            "ON a.from_id = p.f AND a.to_id = p.t WHERE a.to_object_type = %s",
            (list(froms), list(tos), to_object_type),
        )
        return list(map(association_from_row, rows))

    def associations_from(
        self, ids: Sequence[int], to_object_type: str | None = None
    ) -> list[StoredAssociation]:
        if not ids:
            return []
        if to_object_type is None:
            rows = self._db.execute(
                f"SELECT {ASSOCIATION_COLUMNS} FROM associations WHERE from_id = ANY(%b)",
                (list(ids),),
            )
        else:
            rows = self._db.execute(
                f"SELECT {ASSOCIATION_COLUMNS} FROM associations "
                "WHERE from_id = ANY(%b) AND to_object_type = %s",
                (list(ids), to_object_type),
            )
        return list(map(association_from_row, rows))

    def insert_associations(self, rows: Sequence[StoredAssociation]) -> None:
        if rows:
            self._db.execute(
                f"INSERT INTO associations ({ASSOCIATION_COLUMNS}) SELECT * FROM {_ROWS} "
                "ON CONFLICT DO NOTHING",
                association_columns(rows),
            )

    def delete_associations(self, rows: Sequence[StoredAssociation]) -> None:
        if rows:
            self._db.execute(
                f"DELETE FROM associations a USING {_ROWS} AS d(ft, f, tt, t, c, k) "
                "WHERE a.from_id = d.f AND a.to_object_type = d.tt AND a.to_id = d.t "
                "AND a.category = d.c AND a.type_id = d.k",
                association_columns(rows),
            )

    def delete_associations_of(self, ids: Sequence[int]) -> None:
        if ids:
            self._db.execute(
                "DELETE FROM associations WHERE (from_id, to_object_type, to_id) IN "
                "(SELECT to_id, from_object_type, from_id FROM associations "
                "WHERE from_id = ANY(%b))",
                (list(ids),),
            )
            self._db.execute("DELETE FROM associations WHERE from_id = ANY(%b)", (list(ids),))

    def allocate_association_type_ids(self, count: int) -> list[int]:
        rows = self._db.execute(
            "SELECT nextval('association_type_ids') FROM generate_series(1, %s)", (count,)
        ).fetchall()
        return sorted(row[0] for row in rows)

    def save_association_labels(self, labels: Sequence[AssociationLabel]) -> None:
        for label in labels:
            self._db.execute(
                f"INSERT INTO association_labels ({LABEL_COLUMNS}) "
                "VALUES (%s, %s, %s, %s, %s, %s) ON CONFLICT (type_id) DO UPDATE SET "
                "from_object_type = EXCLUDED.from_object_type, "
                "to_object_type = EXCLUDED.to_object_type, name = EXCLUDED.name, "
                "label = EXCLUDED.label, inverse_type_id = EXCLUDED.inverse_type_id",
                label_row(label),
            )

    def delete_association_labels(self, type_ids: Sequence[int]) -> None:
        if type_ids:
            self._db.execute(
                "DELETE FROM association_labels WHERE type_id = ANY(%b)", (list(type_ids),)
            )
            self._db.execute(
                "DELETE FROM associations WHERE category = %s AND type_id = ANY(%b)",
                (LABEL_CATEGORY, list(type_ids)),
            )


class PostgresAssociationReads:
    """The association methods of :class:`spoke.store.postgres.PostgresStore`."""

    _connection: Callable[[], Connection]
    """The store's own connection."""

    def association_labels(self) -> list[AssociationLabel]:
        rows = self._connection().execute(
            f"SELECT {LABEL_COLUMNS} FROM association_labels ORDER BY type_id"
        )
        return list(map(label_from_row, rows))

    def read_associations(
        self,
        from_object_type: str,
        to_object_type: str,
        starts: Sequence[tuple[int, int]],
        per_record: int,
    ) -> list[StoredAssociation]:
        if not starts:
            return []
        froms, firsts = zip(*starts, strict=True)
        rows = self._connection().execute(
            f"SELECT {ASSOCIATION_COLUMNS} FROM ("
            f"SELECT {_QUALIFIED}, "
            "dense_rank() OVER (PARTITION BY a.from_id ORDER BY a.to_id) AS position "
            "FROM unnest(%s::bigint[], %s::bigint[]) AS w(from_id, start_id) "
            "JOIN associations a ON a.from_id = w.from_id "
            "WHERE a.to_object_type = %s AND a.to_id >= w.start_id AND a.from_object_type = %s"
            ") ranked WHERE position <= %s ORDER BY from_id, to_id, category, type_id",
            (list(froms), list(firsts), to_object_type, from_object_type, per_record),
        )
        return list(map(association_from_row, rows))
