"""Instants print as HubSpot prints them (Java's ``Instant.toString`` for millisecond
values): ISO 8601 in UTC with ``Z``, three fraction digits, none when the fraction is zero."""

from __future__ import annotations

import random
from datetime import UTC, datetime, timedelta

import pytest

from spoke.domain.instants import MAX_INSTANT_MS, MIN_INSTANT_MS, format_instant, parse_instant

EPOCH = datetime(1970, 1, 1, tzinfo=UTC)


def printed_by_datetime(ms: int) -> str:
    """The same instant printed through ``datetime``, the slow way."""
    moment = EPOCH + timedelta(milliseconds=ms)
    text = f"{moment.year:04d}-{moment:%m-%dT%H:%M:%S}"
    return f"{text}.{ms % 1000:03d}Z" if ms % 1000 else f"{text}Z"


@pytest.mark.parametrize(
    ("ms", "printed"),
    [
        (0, "1970-01-01T00:00:00Z"),
        (1, "1970-01-01T00:00:00.001Z"),
        (-1, "1969-12-31T23:59:59.999Z"),
        (86_399_999, "1970-01-01T23:59:59.999Z"),
        (1_764_979_200_120, "2025-12-06T00:00:00.120Z"),
        (MIN_INSTANT_MS, "0001-01-01T00:00:00Z"),
        (MAX_INSTANT_MS, "9999-12-31T23:59:59.999Z"),
    ],
)
def test_an_instant_prints_as_hubspot_prints_it(ms: int, printed: str) -> None:
    assert format_instant(ms) == printed
    assert parse_instant(printed) == ms


def test_every_part_of_an_instant_prints_as_datetime_prints_it() -> None:
    chosen = random.Random(12)
    instants = [chosen.randint(MIN_INSTANT_MS, MAX_INSTANT_MS) for _ in range(20_000)]
    instants += range(-2_000, 2_000)  # every millisecond of a second, on both sides
    instants += range(0, 86_400_000, 59_999)  # minutes and seconds through a day
    for ms in instants:
        assert format_instant(ms) == printed_by_datetime(ms), ms
