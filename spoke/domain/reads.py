"""Reading tickets: batch read by id or unique value, and single reads."""

from __future__ import annotations

from collections.abc import Sequence
from contextlib import nullcontext
from dataclasses import dataclass

from spoke.domain.catalogue import Catalogue, Properties
from spoke.domain.records import (
    MAX_BATCH_INPUTS,
    MAX_HISTORY_BATCH_INPUTS,
    ReadOptions,
    TicketRecord,
    first_appearances,
    parse_ticket_id,
    to_record,
)
from spoke.domain.unique import id_property_definition, resolve
from spoke.errors import BatchTooLarge
from spoke.store.base import Store


@dataclass(frozen=True, slots=True)
class BatchReadResult:
    records: list[TicketRecord]
    missing: list[str]
    """Inputs that matched no record, as sent, in input order, without repeats."""


class TicketReader:
    def __init__(self, store: Store, catalogue: Catalogue) -> None:
        self._store = store
        self._catalogue = catalogue

    def batch_read(
        self,
        inputs: Sequence[str],
        properties: Sequence[str],
        properties_with_history: Sequence[str],
        id_property: str | None,
        archived: bool,
    ) -> BatchReadResult:
        """Read up to 100 tickets (50 with history); see behaviour.md decisions 1-9."""
        if len(inputs) > MAX_BATCH_INPUTS:
            raise BatchTooLarge.for_inputs(MAX_BATCH_INPUTS)
        if properties_with_history and len(inputs) > MAX_HISTORY_BATCH_INPUTS:
            raise BatchTooLarge.for_history(MAX_HISTORY_BATCH_INPUTS)
        catalogue = self._catalogue.current()
        options = _read_options(catalogue, properties, properties_with_history)
        wanted = first_appearances(inputs)
        # One query reads one state; a read that needs several takes a snapshot.
        several_queries = id_property is not None or bool(options.history_names)
        with self._store.snapshot() if several_queries else nullcontext():
            if id_property is None:
                ids = {text: parse_ticket_id(text) for text in wanted}
            else:
                definition = id_property_definition(catalogue, id_property, "read")
                ids = resolve(self._store, definition, wanted)
            tickets = {t.id: t for t in self._store.read_tickets([i for i in ids.values() if i])}
            history = None
            if options.history_names:
                history = self._store.read_history(list(tickets), options.history_names)
        records: list[TicketRecord] = []
        missing: list[str] = []
        returned: set[int] = set()
        for text in wanted:
            ticket = tickets.get(ids[text] or 0)
            if ticket is None or (ticket.archived_at is not None) != archived:
                missing.append(text)
            elif ticket.id not in returned:
                returned.add(ticket.id)
                records.append(to_record(ticket, options, history))
        return BatchReadResult(records, missing)

    def get(
        self,
        ticket_id: str,
        properties: Sequence[str],
        properties_with_history: Sequence[str],
        id_property: str | None,
        archived: bool,
    ) -> TicketRecord | None:
        result = self.batch_read(
            [ticket_id], properties, properties_with_history, id_property, archived
        )
        return result.records[0] if result.records else None


def _read_options(
    catalogue: Properties, properties: Sequence[str], with_history: Sequence[str]
) -> ReadOptions:
    return ReadOptions(
        names=catalogue.returned(properties, with_history),
        history_names=catalogue.existing(with_history),
    )
