"""Decoding only some of a record's stored values: what a batch read without history
returns (docs/decisions.md, "The batch read decodes only the names it returns").

A record's values are stored as one JSON object of strings (``spoke.store.rows``), and
a read returns a few of them: a :class:`ValueSelection` decodes the stored object with a
``msgspec`` decoder that keeps only its names, into a :class:`SelectedValues`, in C,
without building a dict of every stored value. The same struct encodes, again in C, as
the JSON object of those names and values (``None`` as ``null``): ``msgspec`` and
``orjson`` write every string, and ``null``, byte for byte alike.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from functools import lru_cache

import msgspec


class SelectedValues(msgspec.Struct):
    """Some values of one record: those a :class:`ValueSelection` names, each ``None``
    where the record has none. The subclass of a selection has one field a name, in the
    selection's order, and encodes as the JSON object of those names and values."""


class ValueSelection:
    """Which values of a record to decode: ``names``, in their order (HubSpot's order of
    a read's ``properties``). Build one with :func:`value_selection`."""

    def __init__(self, names: Sequence[str]) -> None:
        self.names = tuple(names)
        # Fields are named f0, f1...: a property's name need not be a Python identifier,
        # nor free of the names a struct reserves; the JSON keys are the names.
        fields = [f"f{i}" for i in range(len(self.names))]
        #: The attribute of each name, in order.
        self.fields = tuple(fields)
        made = msgspec.defstruct(
            "SelectedValuesOf",
            [(field, str | None, None) for field in fields],
            bases=(SelectedValues,),
            rename=dict(zip(fields, self.names, strict=True)),
            gc=False,  # strings and None only: no cycles to collect
        )
        assert issubclass(made, SelectedValues)
        self.values_type = made
        self._decode = msgspec.json.Decoder(self.values_type).decode

    def decode(self, stored: bytes | str) -> SelectedValues:
        """The selected values of a record's stored values (their JSON object)."""
        return self._decode(stored)

    def of(self, values: Mapping[str, str]) -> SelectedValues:
        """The selected values of a record's values, already decoded."""
        return self.values_type(*[values.get(name) for name in self.names])

    def getter(self, name: str) -> str:
        """The attribute of a :class:`SelectedValues` of this selection that holds the
        value of ``name`` (one of ``names``)."""
        return self.fields[self.names.index(name)]


@lru_cache(maxsize=256)
def value_selection(names: tuple[str, ...]) -> ValueSelection:
    """The selection of ``names``, made once per worker: a read asks again and again
    for the same few sets of names."""
    return ValueSelection(names)
