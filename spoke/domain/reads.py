"""Reading tickets: batch read by id or unique value, single reads, and pages of a list."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
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
from spoke.errors import BatchTooLarge, InvalidPageRequest
from spoke.store.base import HistoryEntry, Store, StoredTicket

#: History of each (ticket, property), newest first, as the store reads it.
History = dict[tuple[int, str], list[HistoryEntry]]

#: Page sizes of a list (``limit``): HubSpot's default and maximum, and the maximum when
#: property history is asked for (behaviour.md §1.3, hubspot-api-python#143).
DEFAULT_PAGE_SIZE = 10
MAX_PAGE_SIZE = 100
MAX_HISTORY_PAGE_SIZE = 50

#: The highest id a ticket can have (a signed 64-bit integer, in both backends).
_MAX_TICKET_ID = 2**63 - 1


@dataclass(frozen=True, slots=True)
class BatchReadResult:
    records: list[TicketRecord]
    missing: list[str]
    """Inputs that matched no record, as sent, in input order, without repeats."""


@dataclass(frozen=True, slots=True)
class TicketPage:
    records: list[TicketRecord]
    next_after: str | None
    """The ``after`` that reads the next page; ``None`` on the last page."""


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
        wanted = first_appearances(inputs)
        ids: Mapping[str, int | None] = {}
        if id_property is None:
            ids = {text: parse_ticket_id(text) for text in wanted}
            read = self._read_by_id(ids, properties, properties_with_history)
            if read is not None:
                return _batch_result(wanted, ids, *read, archived=archived)
        # By unique value, or history with ids merged away, or definitions that just
        # moved: several queries, in one snapshot.
        catalogue = self._catalogue.current()
        options = _read_options(catalogue, properties, properties_with_history)
        with self._store.snapshot():
            if id_property is not None:
                definition = id_property_definition(catalogue, id_property, "read")
                ids = resolve(self._store, definition, wanted)
            asked = [i for i in ids.values() if i]
            tickets = {t.id: t for t in self._store.read_tickets(asked)}
            self._follow_merges(asked, tickets)
            history = None
            if options.history_names:
                read_ids = list({t.id for t in tickets.values()})
                history = self._store.read_history(read_ids, options.history_names)
        return _batch_result(wanted, ids, tickets, options, history, archived=archived)

    def _read_by_id(
        self,
        ids: Mapping[str, int | None],
        properties: Sequence[str],
        properties_with_history: Sequence[str],
    ) -> tuple[dict[int, StoredTicket], ReadOptions, History | None] | None:
        """The common batch read, by id, in one store call (one round trip on
        PostgreSQL): the history asked for is read along, for the property names this
        worker last knew, and the definitions version with it. ``None`` when the names
        the version in force gives are not those, or when history is asked for and some
        id names no ticket (it may have been merged away, and its primary's history
        must come from the same snapshot): the caller reads again."""
        asked = [i for i in ids.values() if i]
        cached = self._catalogue.cached()
        known = _read_options(cached, properties, properties_with_history)
        read = self._store.read_tickets_in_force(asked, known.history_names)
        catalogue = self._catalogue.at(read.definitions_version)
        options = (
            known
            if catalogue is cached
            else _read_options(catalogue, properties, properties_with_history)
        )
        tickets = {t.id: t for t in read.tickets}
        if options.history_names != known.history_names:
            return None
        if options.history_names:
            return (tickets, options, read.history) if len(tickets) == len(set(asked)) else None
        self._follow_merges(asked, tickets)
        return tickets, options, None

    def _follow_merges(self, asked: Sequence[int], tickets: dict[int, StoredTicket]) -> None:
        """Add to ``tickets`` (read by the ids ``asked``) the ticket each asked id that
        was merged away reads as: the one it was merged into."""
        if len(tickets) < len(set(asked)):
            unfound = [i for i in asked if i not in tickets]
            for merged_id, primary in self._store.read_merged_tickets(unfound).items():
                tickets[merged_id] = tickets.setdefault(primary.id, primary)

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

    def list_page(
        self,
        after: str | None,
        limit: str | None,
        properties: Sequence[str],
        properties_with_history: Sequence[str],
        archived: bool,
    ) -> TicketPage:
        """One page of the live (or, with ``archived``, the archived) tickets in id order.

        ``after`` is HubSpot's cursor: the id the page starts from (inclusive), so a page's
        ``next_after`` is its last id plus one. Paging by id is stable under concurrent
        writes: no ticket is repeated, and none that existed when paging began is skipped.
        """
        size = _page_size(limit, bool(properties_with_history))
        after_id = _start_of(after) - 1
        options = _read_options(self._catalogue.current(), properties, properties_with_history)
        with self._store.snapshot() if options.history_names else nullcontext():
            found = self._store.list_tickets(after_id, size + 1, archived)
            page = found[:size]
            history = None
            if options.history_names:
                history = self._store.read_history([t.id for t in page], options.history_names)
        next_after = str(page[-1].id + 1) if len(found) > size else None
        return TicketPage([to_record(t, options, history) for t in page], next_after)


def _page_size(limit: str | None, with_history: bool) -> int:
    if limit is None:
        return DEFAULT_PAGE_SIZE
    size = int(limit) if limit.isascii() and limit.isdigit() and len(limit) < 10 else 0
    if not 1 <= size <= MAX_PAGE_SIZE:
        raise InvalidPageRequest.for_limit(limit, MAX_PAGE_SIZE)
    if with_history and size > MAX_HISTORY_PAGE_SIZE:
        raise InvalidPageRequest.for_history(MAX_HISTORY_PAGE_SIZE)
    return size


def _start_of(after: str | None) -> int:
    """The lowest id a page starting at cursor ``after`` may hold."""
    if after is None:
        return 0
    if not (after.isascii() and after.isdigit()):
        raise InvalidPageRequest.for_cursor(after)
    beyond_every_id = _MAX_TICKET_ID + 1
    return beyond_every_id if len(after) > 19 else min(int(after), beyond_every_id)


def _batch_result(
    wanted: Sequence[str],
    ids: Mapping[str, int | None],
    tickets: Mapping[int, StoredTicket],
    options: ReadOptions,
    history: History | None,
    *,
    archived: bool,
) -> BatchReadResult:
    """The records of ``wanted`` (each ticket once, in input order) and the inputs that
    name no ticket of the ``archived`` kind."""
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


def _read_options(
    catalogue: Properties, properties: Sequence[str], with_history: Sequence[str]
) -> ReadOptions:
    return ReadOptions(
        names=catalogue.returned(properties, with_history),
        history_names=catalogue.existing(with_history),
    )
