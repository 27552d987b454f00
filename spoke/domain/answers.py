"""Each record's answer to a batch read by id, encoded once and served again until the
record or the definitions change, on this worker or any other (docs/decisions.md,
"Cached answers of the batch read").

An answer is what a batch read returns of one record for one selection of names (the
same names asked for, of the same definitions): the record's JSON object, as bytes, and
whether it is archived (a read returns it or not by that). Before a worker serves an
answer it holds, it reads the store's change log (:meth:`Store.object_changes`) and
forgets the answers of every record changed since it last did, so a write committed on
any worker is seen by the next read on every other. Answers put in after a read of the
log are safe without another: a change after that read is in the next one.

The answers a worker holds are bounded by their size; when they would pass it, every
one is forgotten (the simplest rule, and a client reading the same records again and
again fills it back at once).
"""

from __future__ import annotations

from collections.abc import Collection, Hashable

from spoke.store.base import Store

#: An answer: the id of the record it is of, its JSON object, and whether the record is
#: archived.
Answer = tuple[int, bytes, bool]

#: What an answer costs besides its bytes (the tuple, the bytes object, dict entries).
_OVERHEAD = 160


class AnswerCache:
    """The answers this worker holds, by selection, kind (archived or live) and record id."""

    def __init__(self, store: Store, max_bytes: int) -> None:
        self._store = store
        self._max_bytes = max_bytes
        self._held: dict[tuple[Hashable, bool], dict[str, bytes]] = {}
        self._bytes = 0
        self._since: int | None = None
        self._definitions_version: int | None = None

    def held(self, selection: Hashable, archived: bool) -> dict[str, bytes]:
        """The answers held of ``selection``'s records that are ``archived`` (or live),
        by record id in decimal (as a request names it, so that a read of records held
        parses no id): look up, but put through :meth:`keep`, and serve only after
        :meth:`refresh`."""
        return self._held.get((selection, archived)) or {}

    def refresh(self) -> int:
        """Forget the answers of the records changed since the last refresh, and return
        the definitions version in force. A selection is of one version's definitions,
        so answers of older ones are never served; they are forgotten here to free their
        room."""
        changes = self._store.object_changes(self._since)
        self._since = changes.since
        version = changes.definitions_version
        if changes.object_ids is None or version != self._definitions_version:
            self._definitions_version = version
            self._forget_all()
        elif changes.object_ids:
            changed = [str(object_id) for object_id in changes.object_ids]
            for answers in self._held.values():
                for key in changed:
                    answer = answers.pop(key, None)
                    if answer is not None:
                        self._bytes -= len(answer) + _OVERHEAD
        return version

    def keep(self, selection: Hashable, answers: Collection[Answer]) -> None:
        """Hold ``answers`` of ``selection``, read from the store (after the last
        :meth:`refresh`, if any: a change since is in the next one)."""
        size = sum(len(answer[1]) for answer in answers) + _OVERHEAD * len(answers)
        if self._bytes + size > self._max_bytes:
            self._forget_all()
            if size > self._max_bytes:
                return
        self._bytes += size
        for object_id, encoded, archived in answers:
            key = str(object_id)
            held = self._held.setdefault((selection, archived), {})
            replaced = held.get(key)
            if replaced is not None:
                self._bytes -= len(replaced) + _OVERHEAD
            held[key] = encoded
            elsewhere = self._held.get((selection, not archived))
            if elsewhere is not None:  # it was of the other kind when last read
                replaced = elsewhere.pop(key, None)
                if replaced is not None:
                    self._bytes -= len(replaced) + _OVERHEAD

    def _forget_all(self) -> None:
        self._held.clear()
        self._bytes = 0
