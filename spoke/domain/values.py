"""Property values: what a write may send, and the one string Spoke keeps and returns.

Every stored value is already in HubSpot's read format (behaviour.md decision 12), so
reads never reformat: ``bool`` is ``"true"``/``"false"``, ``number`` is a plain decimal,
``date`` is ``YYYY-MM-DD``, ``datetime`` is an ISO instant, multi-select options are
joined by ``;`` in the order written. ``""`` clears a value.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from datetime import date, datetime
from decimal import Decimal, InvalidOperation

from spoke.domain.instants import (
    MAX_INSTANT_MS,
    MIN_INSTANT_MS,
    date_to_ms,
    format_date,
    format_instant,
    is_midnight,
    parse_instant,
    time_of_day,
)
from spoke.domain.properties import PropertyDefinition, PropertyType
from spoke.errors import InvalidPropertyValue

RawValue = str | int | float | bool | None

#: The longest value a property may hold, in characters: HubSpot's limit for text
#: entered through the CRM ("Property field types in HubSpot").
MAX_VALUE_LENGTH = 65_536

#: An instant exactly as :func:`format_instant` prints it.
_CANONICAL_INSTANT = re.compile(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d{3})?Z")

#: A plain decimal number, as Java's BigDecimal reads it (no underscores, no NaN).
_NUMBER = re.compile(r"[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?")


class InvalidValue(Exception):
    """A value that does not fit its property; carries HubSpot's error code and message."""

    def __init__(self, code: str, message: str) -> None:
        super().__init__(message)
        self.code = code
        self.message = message

    def for_property(self, name: str) -> InvalidPropertyValue:
        return InvalidPropertyValue(name=name, error=self.code, message=self.message)


def as_text(raw: RawValue) -> str:
    """The text of a JSON scalar as HubSpot's ``Map<String,String>`` reads it."""
    if type(raw) is str:
        return raw
    if raw is None:
        return ""
    if isinstance(raw, bool):
        return "true" if raw else "false"
    if isinstance(raw, float) and raw.is_integer():
        return str(int(raw))
    return str(raw)


def normalise(definition: PropertyDefinition, raw: RawValue) -> str:
    """The stored form of ``raw`` for ``definition``; ``""`` means "clear".

    Raises :class:`InvalidValue` when HubSpot would refuse the value.
    """
    kind = definition.type
    if type(raw) is str:
        if len(raw) > MAX_VALUE_LENGTH:
            raise InvalidValue(
                "VALUE_TOO_LONG",
                f"A value may hold at most {MAX_VALUE_LENGTH} characters; this one has {len(raw)}",
            )
        if kind is PropertyType.STRING or raw in definition.option_values:
            return raw
    text = as_text(raw)
    if text == "":
        return ""
    if kind is PropertyType.ENUMERATION:
        if definition.referenced_object_type is not None:
            return _reference(definition, text)
        return text if definition.external_options else _options(definition, text)
    parse = _PARSERS.get(kind)
    return text if parse is None else parse(text)


def epoch_ms(stored: str) -> int:
    """Epoch milliseconds of a stored ``date`` (``YYYY-MM-DD``) or ``datetime`` value, as
    HubSpot's legacy APIs show them."""
    if len(stored) == 10:
        return date_to_ms(date.fromisoformat(stored))
    return parse_instant(stored)


def _number(text: str) -> str:
    if not _NUMBER.fullmatch(text.strip()):
        raise InvalidValue("INVALID_NUMBER", f"{text} is not a valid number")
    try:
        number = Decimal(text.strip())
    except InvalidOperation:
        raise InvalidValue("INVALID_NUMBER", f"{text} is not a valid number") from None
    normalised = format(number.normalize(), "f")
    return "0" if normalised in ("-0", "0") else normalised


def _bool(text: str) -> str:
    lowered = text.strip().lower()
    if lowered not in ("true", "false"):
        raise InvalidValue(
            "INVALID_BOOLEAN", f"{text} is not a valid boolean, expected true or false"
        )
    return lowered


def _epoch_ms(text: str) -> int | None:
    """Epoch milliseconds written as digits, or ``None`` for any other text.

    Raises :class:`InvalidValue` for digits outside the instants Spoke can print.
    """
    stripped = text.strip()
    if not stripped.lstrip("-").isascii() or not stripped.lstrip("-").isdigit():
        return None
    ms = int(stripped)
    if not MIN_INSTANT_MS <= ms <= MAX_INSTANT_MS:
        raise InvalidValue("INVALID_DATE", f"{text} is out of range for a date")
    return ms


def _date(text: str) -> str:
    ms = _epoch_ms(text)
    if ms is None:
        try:
            if len(text) == 10:
                return date.fromisoformat(text).isoformat()
            ms = parse_instant(text)
        except ValueError:
            raise InvalidValue(
                "INVALID_DATE",
                f"{text} is not a valid date, expected YYYY-MM-DD or epoch milliseconds",
            ) from None
    if not is_midnight(ms):
        raise InvalidValue("INVALID_DATE", f"{ms} is at {time_of_day(ms)} UTC, not midnight!")
    return format_date(ms)


def _datetime(text: str) -> str:
    if _CANONICAL_INSTANT.fullmatch(text) and not text.endswith(".000Z"):
        try:
            datetime.fromisoformat(text)
        except ValueError:
            pass
        else:
            return text  # already as Spoke prints it
    ms = _epoch_ms(text)
    if ms is None:
        try:
            ms = date_to_ms(date.fromisoformat(text)) if len(text) == 10 else parse_instant(text)
        except ValueError:
            raise InvalidValue(
                "INVALID_DATE",
                f"{text} is not a valid datetime, expected ISO 8601 or epoch milliseconds",
            ) from None
        if not MIN_INSTANT_MS <= ms <= MAX_INSTANT_MS:
            raise InvalidValue("INVALID_DATE", f"{text} is out of range for a date")
    return format_instant(ms)


_PARSERS: dict[PropertyType, Callable[[str], str]] = {
    PropertyType.NUMBER: _number,
    PropertyType.BOOL: _bool,
    PropertyType.DATE: _date,
    PropertyType.DATETIME: _datetime,
}


def _reference(definition: PropertyDefinition, text: str) -> str:
    """An owner id (the one kind of reference Spoke knows): one of the options, which are
    the live owners (``spoke.domain.owners.with_owner_options``)."""
    if not definition.has_option(text):
        raise InvalidValue("INVALID_OWNER_ID", f"{text} is not a valid owner id")
    return text


def _options(definition: PropertyDefinition, text: str) -> str:
    chosen = text.split(";") if definition.is_multi_select else [text]
    for value in chosen:
        if not definition.has_option(value):
            labels = ", ".join(o.label for o in definition.options)
            raise InvalidValue(
                "INVALID_OPTION", f"{value} was not one of the allowed options: [{labels}]"
            )
    return text
