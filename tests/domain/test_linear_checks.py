"""Checks of a whole batch or list take time linear in its length.

Each test counts the string comparisons a check makes, with strings that count them: a
check that compares every pair (``values.count(v)`` in a loop) makes about n² of them,
one that counts with a hash table about n. Fifty thousand options once kept a worker
busy for 47 s that way.
"""

from __future__ import annotations

from pathlib import Path
from typing import ClassVar

import pytest

from spoke.domain.catalogue import Catalogue
from spoke.domain.custom_properties import define_property
from spoke.domain.object_types import ObjectTypes
from spoke.domain.properties import Option, PropertyDefinition, PropertyType
from spoke.domain.standard_objects import STANDARD_OBJECT_TYPES, TICKETS
from spoke.errors import ValidationError
from spoke.store import open_store

#: Items in each list; a quadratic check makes about COUNT² / 2 comparisons.
COUNT = 2_000


class CountingStr(str):
    """A string that counts how often it is compared for equality."""

    comparisons: ClassVar[int] = 0

    def __eq__(self, other: object) -> bool:
        CountingStr.comparisons += 1
        return str.__eq__(self, other)

    __hash__ = str.__hash__


@pytest.fixture
def comparisons() -> None:
    CountingStr.comparisons = 0


def _options(values: list[str]) -> tuple[Option, ...]:
    return tuple(Option(label=v, value=CountingStr(v)) for v in values)


def test_repeated_option_values_are_found_in_linear_time(tmp_path: Path, comparisons: None) -> None:
    store = open_store(f"sqlite:///{tmp_path / 'spoke.db'}")
    store.migrate()
    try:
        values = [f"option_{i}" for i in range(COUNT)] + ["option_7"]
        definition = PropertyDefinition(
            name="many_options",
            label="Many options",
            type=PropertyType.ENUMERATION,
            field_type="select",
            group_name="ticketinformation",
            options=_options(values),
        )
        with pytest.raises(ValidationError, match=r"repeated: option_7$"):
            define_property(
                store, Catalogue(store, ObjectTypes(STANDARD_OBJECT_TYPES)), TICKETS, definition
            )
    finally:
        store.close()
    assert CountingStr.comparisons < 10 * COUNT
