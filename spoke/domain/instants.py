"""Instants as Spoke stores them (integer milliseconds since the epoch, UTC) and as
HubSpot prints them: ISO 8601 in UTC with ``Z``, three fraction digits, and no
fraction at all when it is zero (Java's ``Instant.toString`` for millisecond values).
"""

from __future__ import annotations

import time
from datetime import UTC, date, datetime, timedelta
from functools import lru_cache

_EPOCH_DAY_MS = 86_400_000
_EPOCH = datetime(1970, 1, 1, tzinfo=UTC)

#: The instants Spoke stores and prints: years 1 to 9999.
MIN_INSTANT_MS = (datetime(1, 1, 1, tzinfo=UTC) - _EPOCH) // timedelta(milliseconds=1)
MAX_INSTANT_MS = (datetime(9999, 12, 31, 23, 59, 59, 999000, tzinfo=UTC) - _EPOCH) // timedelta(
    milliseconds=1
)


def now_ms() -> int:
    return time.time_ns() // 1_000_000


#: The parts of an instant after its date, made once: ``HH:MM:`` of each minute of a
#: day, ``SS`` of each second of a minute, and what ends an instant of each millisecond
#: of a second (``Z`` alone for none). Joining them costs about a third of formatting them.
_MINUTES = [f"{hours:02d}:{minutes:02d}:" for hours in range(24) for minutes in range(60)]
_SECONDS = [f"{seconds:02d}" for seconds in range(60)]
_FRACTIONS = ["Z", *(f".{millis:03d}Z" for millis in range(1, 1000))]


def format_instant(ms: int) -> str:
    seconds, millis = divmod(ms, 1000)
    day, second_of_day = divmod(seconds, 86_400)
    minute_of_day, second = divmod(second_of_day, 60)
    return f"{_day(day)}T{_MINUTES[minute_of_day]}{_SECONDS[second]}{_FRACTIONS[millis]}"


@lru_cache(maxsize=4096)
def _day(days_since_epoch: int) -> str:
    """``YYYY-MM-DD`` of a day; cached, since the instants of one read share few days."""
    return (_EPOCH + timedelta(days=days_since_epoch)).date().isoformat()


def parse_instant(text: str) -> int:
    """Epoch milliseconds of an ISO 8601 date-time; naive values are taken as UTC.

    Raises ``ValueError`` when ``text`` is not ISO 8601.
    """
    parsed = datetime.fromisoformat(text)
    if parsed.tzinfo is None:
        parsed = parsed.replace(tzinfo=UTC)
    return (parsed - _EPOCH) // timedelta(milliseconds=1)


def format_date(ms: int) -> str:
    return datetime.fromtimestamp(ms // 1000, UTC).date().isoformat()


def date_to_ms(day: date) -> int:
    return (day - date(1970, 1, 1)).days * _EPOCH_DAY_MS


def time_of_day(ms: int) -> str:
    """HubSpot's ``H:m:s.S`` rendering of an instant's time of day (for INVALID_DATE)."""
    moment = datetime.fromtimestamp(ms / 1000, UTC)
    return f"{moment.hour}:{moment.minute}:{moment.second}.{moment.microsecond // 1000}"


def is_midnight(ms: int) -> bool:
    return ms % _EPOCH_DAY_MS == 0
