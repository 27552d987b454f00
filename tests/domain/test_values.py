"""Unit tests of ``spoke.domain.values.normalise``: what a write may send for each
property type, the one string Spoke stores for it (HubSpot's read format, behaviour.md
decision 12), and the error code of every value HubSpot would refuse (§6.2, §6.3).
"""

from __future__ import annotations

import pytest

from spoke.domain.properties import Option, PropertyDefinition, PropertyType
from spoke.domain.values import InvalidValue, RawValue, normalise

MIDNIGHT_2024_03_01 = 1_709_251_200_000  # 2024-03-01T00:00:00Z
EIGHT_AM_2024_03_01 = MIDNIGHT_2024_03_01 + 8 * 3_600_000  # 2024-03-01T08:00:00Z

ABC = (Option("Alpha", "a", 0), Option("Bravo", "b", 1), Option("Charlie", "c", 2))


def _definition(
    kind: PropertyType,
    field_type: str,
    options: tuple[Option, ...] = (),
    external_options: bool = False,
) -> PropertyDefinition:
    return PropertyDefinition(
        name=f"test_{kind}_{field_type}",
        label="Test",
        type=kind,
        field_type=field_type,
        group_name="test",
        options=options,
        external_options=external_options,
    )


STRING = _definition(PropertyType.STRING, "text")
TEXTAREA = _definition(PropertyType.STRING, "textarea")
NUMBER = _definition(PropertyType.NUMBER, "number")
BOOL = _definition(PropertyType.BOOL, "booleancheckbox")
DATE = _definition(PropertyType.DATE, "date")
DATETIME = _definition(PropertyType.DATETIME, "date")
SELECT = _definition(PropertyType.ENUMERATION, "select", ABC)
RADIO = _definition(PropertyType.ENUMERATION, "radio", ABC)
CHECKBOX = _definition(PropertyType.ENUMERATION, "checkbox", ABC)
EXTERNAL = _definition(PropertyType.ENUMERATION, "select", external_options=True)
PHONE = _definition(PropertyType.PHONE_NUMBER, "phonenumber")

EVERY_DEFINITION = [
    STRING,
    TEXTAREA,
    NUMBER,
    BOOL,
    DATE,
    DATETIME,
    SELECT,
    RADIO,
    CHECKBOX,
    EXTERNAL,
    PHONE,
]


ACCEPTED: list[tuple[PropertyDefinition, RawValue, str]] = [
    # string: kept exactly as written, JSON scalars read as text
    (STRING, "Printer on fire", "Printer on fire"),
    (STRING, "  padded  ", "  padded  "),
    (STRING, "ünïcødé ✓", "ünïcødé ✓"),
    (STRING, "a;b", "a;b"),
    (STRING, 42, "42"),
    (STRING, True, "true"),
    (TEXTAREA, "line one\nline two", "line one\nline two"),
    # number: plain decimal, no float noise, no trailing zeros
    (NUMBER, "17", "17"),
    (NUMBER, "17.50", "17.5"),
    (NUMBER, "17.0", "17"),
    (NUMBER, 17, "17"),
    (NUMBER, 17.0, "17"),
    (NUMBER, 17.5, "17.5"),
    (NUMBER, "-3.25", "-3.25"),
    (NUMBER, "0.10", "0.1"),
    (NUMBER, "0", "0"),
    (NUMBER, "-0", "0"),
    (NUMBER, "0.000", "0"),
    (NUMBER, "1000", "1000"),
    (NUMBER, "1e3", "1000"),
    (NUMBER, " 12 ", "12"),
    (NUMBER, "12345678901234567890", "12345678901234567890"),
    (NUMBER, "0.123456789012345678", "0.123456789012345678"),
    # bool: "true"/"false" in lower case, whatever the case written
    (BOOL, "true", "true"),
    (BOOL, "false", "false"),
    (BOOL, "TRUE", "true"),
    (BOOL, "False", "false"),
    (BOOL, True, "true"),
    (BOOL, False, "false"),
    # date: YYYY-MM-DD, from ISO or from epoch ms at midnight UTC
    (DATE, "2024-03-01", "2024-03-01"),
    (DATE, MIDNIGHT_2024_03_01, "2024-03-01"),
    (DATE, str(MIDNIGHT_2024_03_01), "2024-03-01"),
    (DATE, "1970-01-01", "1970-01-01"),
    (DATE, 0, "1970-01-01"),
    (DATE, "2024-02-29", "2024-02-29"),
    (DATE, "2024-03-01T00:00:00Z", "2024-03-01"),
    # datetime: ISO instant in UTC with Z, 3 fraction digits, none when zero
    (DATETIME, "2024-03-01T08:00:00Z", "2024-03-01T08:00:00Z"),
    (DATETIME, "2024-03-01T10:00:00+02:00", "2024-03-01T08:00:00Z"),
    (DATETIME, "2024-03-01T03:00:00-05:00", "2024-03-01T08:00:00Z"),
    (DATETIME, "2024-03-01T08:00:00.000Z", "2024-03-01T08:00:00Z"),
    (DATETIME, "2024-03-01T08:00:00.100Z", "2024-03-01T08:00:00.100Z"),
    (DATETIME, "2024-03-01T08:00:00.5Z", "2024-03-01T08:00:00.500Z"),
    (DATETIME, "2024-03-01T08:00:00.123+00:00", "2024-03-01T08:00:00.123Z"),
    (DATETIME, "2024-03-01T08:00:00", "2024-03-01T08:00:00Z"),
    (DATETIME, "2024-03-01T00:30:00+01:00", "2024-02-29T23:30:00Z"),
    (DATETIME, "2024-03-01", "2024-03-01T00:00:00Z"),
    (DATETIME, EIGHT_AM_2024_03_01, "2024-03-01T08:00:00Z"),
    (DATETIME, str(EIGHT_AM_2024_03_01), "2024-03-01T08:00:00Z"),
    (DATETIME, EIGHT_AM_2024_03_01 + 7, "2024-03-01T08:00:00.007Z"),
    (DATETIME, EIGHT_AM_2024_03_01 + 120, "2024-03-01T08:00:00.120Z"),
    (DATETIME, 0, "1970-01-01T00:00:00Z"),
    # enumeration: option values; multi-select kept in the order written
    (SELECT, "a", "a"),
    (SELECT, "c", "c"),
    (RADIO, "b", "b"),
    (CHECKBOX, "a", "a"),
    (CHECKBOX, "a;b", "a;b"),
    (CHECKBOX, "c;a", "c;a"),
    (CHECKBOX, "b;c;a", "b;c;a"),
    (EXTERNAL, "anything-at-all", "anything-at-all"),
    # phone numbers are stored as written
    (PHONE, "+1 (555) 010-0199", "+1 (555) 010-0199"),
    (PHONE, "+44 20 7946 0958", "+44 20 7946 0958"),
]


@pytest.mark.parametrize(
    ("definition", "raw", "stored"),
    ACCEPTED,
    ids=[f"{d.type}-{d.field_type}-{raw!r}" for d, raw, _ in ACCEPTED],
)
def test_accepted_value_is_stored_in_read_format(
    definition: PropertyDefinition, raw: RawValue, stored: str
) -> None:
    assert normalise(definition, raw) == stored


@pytest.mark.parametrize("definition", EVERY_DEFINITION, ids=lambda d: f"{d.type}-{d.field_type}")
@pytest.mark.parametrize("raw", ["", None], ids=["empty-string", "null"])
def test_empty_value_means_clear_for_every_type(
    definition: PropertyDefinition, raw: RawValue
) -> None:
    assert normalise(definition, raw) == ""


@pytest.mark.parametrize("definition", EVERY_DEFINITION, ids=lambda d: f"{d.type}-{d.field_type}")
def test_normalising_a_stored_value_again_keeps_it(definition: PropertyDefinition) -> None:
    stored = [normalise(d, raw) for d, raw, _ in ACCEPTED if d is definition]
    assert stored, "every definition has accepted examples"
    assert [normalise(definition, value) for value in stored] == stored


REFUSED: list[tuple[PropertyDefinition, RawValue, str]] = [
    (NUMBER, "abc", "INVALID_NUMBER"),
    (NUMBER, "17,5", "INVALID_NUMBER"),
    (NUMBER, "12abc", "INVALID_NUMBER"),
    (NUMBER, "NaN", "INVALID_NUMBER"),
    (NUMBER, "Infinity", "INVALID_NUMBER"),
    (NUMBER, "-inf", "INVALID_NUMBER"),
    (NUMBER, True, "INVALID_NUMBER"),
    (NUMBER, "1_000", "INVALID_NUMBER"),  # Python-only syntax; Java's BigDecimal refuses it
    (BOOL, "yes", "INVALID_BOOLEAN"),
    (BOOL, "maybe", "INVALID_BOOLEAN"),
    (BOOL, "t", "INVALID_BOOLEAN"),
    (DATE, MIDNIGHT_2024_03_01 + 4 * 3_600_000, "INVALID_DATE"),
    (DATE, MIDNIGHT_2024_03_01 + 1, "INVALID_DATE"),
    (DATE, "2024-03-01T08:00:00Z", "INVALID_DATE"),
    (DATE, "2024-02-30", "INVALID_DATE"),
    (DATE, "01/03/2024", "INVALID_DATE"),
    (DATE, "yesterday", "INVALID_DATE"),
    (DATETIME, "yesterday", "INVALID_DATE"),
    (DATETIME, "2024-13-01T00:00:00Z", "INVALID_DATE"),
    (DATETIME, "2024-03-01 8am", "INVALID_DATE"),
    (DATETIME, "99999999999999999999", "INVALID_DATE"),  # beyond a Java long
    (DATE, "99999999999999999999", "INVALID_DATE"),
    (DATE, "-99999999999999999999", "INVALID_DATE"),
    (SELECT, "d", "INVALID_OPTION"),
    (SELECT, "A", "INVALID_OPTION"),
    (SELECT, "Alpha", "INVALID_OPTION"),
    (SELECT, "a;b", "INVALID_OPTION"),
    (RADIO, "z", "INVALID_OPTION"),
    (CHECKBOX, "a;z", "INVALID_OPTION"),
    (CHECKBOX, "z", "INVALID_OPTION"),
]


@pytest.mark.parametrize(
    ("definition", "raw", "code"),
    REFUSED,
    ids=[f"{d.type}-{d.field_type}-{raw!r}" for d, raw, _ in REFUSED],
)
def test_refused_value_raises_its_hubspot_error_code(
    definition: PropertyDefinition, raw: RawValue, code: str
) -> None:
    with pytest.raises(InvalidValue) as refused:
        normalise(definition, raw)
    assert refused.value.code == code
    assert refused.value.message


@pytest.mark.parametrize(
    ("ms", "message"),
    [
        (MIDNIGHT_2024_03_01 + 4 * 3_600_000, "1709265600000 is at 4:0:0.0 UTC, not midnight!"),
        (
            MIDNIGHT_2024_03_01 + 13 * 3_600_000 + 5 * 60_000 + 9_000,
            "1709298309000 is at 13:5:9.0 UTC, not midnight!",
        ),
        (MIDNIGHT_2024_03_01 - 3_600_000, "1709247600000 is at 23:0:0.0 UTC, not midnight!"),
    ],
)
def test_date_not_at_midnight_gives_hubspots_message(ms: int, message: str) -> None:
    with pytest.raises(InvalidValue) as refused:
        normalise(DATE, ms)
    assert refused.value.code == "INVALID_DATE"
    assert refused.value.message == message


def test_invalid_option_message_lists_the_option_labels() -> None:
    with pytest.raises(InvalidValue) as refused:
        normalise(SELECT, "SUPER")
    assert refused.value.message == (
        "SUPER was not one of the allowed options: [Alpha, Bravo, Charlie]"
    )


def test_invalid_option_in_multi_select_names_the_bad_option() -> None:
    with pytest.raises(InvalidValue) as refused:
        normalise(CHECKBOX, "a;zulu;b")
    assert refused.value.message.startswith("zulu was not one of the allowed options")


def test_invalid_value_converts_to_a_named_property_problem() -> None:
    with pytest.raises(InvalidValue) as refused:
        normalise(BOOL, "yes")
    problem = refused.value.for_property("is_vip")
    assert (problem.name, problem.error) == ("is_vip", "INVALID_BOOLEAN")
    assert problem.message == refused.value.message
