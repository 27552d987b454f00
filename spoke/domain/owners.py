"""Owners: the portal's users that records can be assigned to (``hubspot_owner_id``).

HubSpot has no API that creates owners: they are its users. Spoke's owners come from
its command line (``spoke owner create``) and its demo data; the owners API
(``/crm/v3/owners``) only reads them. Each owner has two ids, as in HubSpot: ``id``, what
``hubspot_owner_id`` holds, and ``userId``, the user's id in the settings API (an
archived, deactivated owner has none). Owners are few, so every worker holds them all in
memory with the other definitions of the portal (``spoke.domain.catalogue``), reloaded
when the store's definitions version moves: adding or archiving an owner moves it.

Choices where HubSpot's behaviour is unknown are in docs/behaviour.md ("Owners").
"""

from __future__ import annotations

import dataclasses
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from spoke.domain.properties import Option, PropertyDefinition
from spoke.errors import InvalidPageRequest, ValidationError

#: The scopes HubSpot requires for the owners API (HubSpot's scopes table; reads only:
#: HubSpot has no owner writes).
OWNER_READ_SCOPES = ("crm.objects.owners.read",)

#: The property of every object type that names a record's owner.
OWNER_PROPERTY = "hubspot_owner_id"
#: What ``referencedObjectType`` says of a property whose values are owner ids.
OWNER_REFERENCE = "OWNER"

#: Kinds of owner (HubSpot's ``PublicOwner.type``).
PERSON, QUEUE = "PERSON", "QUEUE"

#: Page sizes of ``GET /crm/v3/owners``: HubSpot's default and maximum.
DEFAULT_PAGE_SIZE = 100
MAX_PAGE_SIZE = 500

#: Longest name or email an owner may have (HubSpot's user fields; chosen, see behaviour.md).
MAX_FIELD_LENGTH = 255

_EMAIL = re.compile(r"[^@\s]+@[^@\s]+\.[^@\s]+")


@dataclass(frozen=True)
class Team:
    """A team an owner belongs to (HubSpot's ``PublicTeam``)."""

    id: int
    name: str
    primary: bool


@dataclass(frozen=True)
class Owner:
    id: int
    user_id: int
    email: str
    first_name: str
    last_name: str
    type: str
    teams: tuple[Team, ...]
    created_at: int
    updated_at: int
    archived_at: int | None = None

    @property
    def archived(self) -> bool:
        return self.archived_at is not None

    @property
    def full_name(self) -> str:
        """How the owner is named in ``hubspot_owner_id``'s options: the names, or the
        email when the owner has none."""
        return f"{self.first_name} {self.last_name}".strip() or self.email


@dataclass(frozen=True)
class NewOwner:
    """What ``spoke owner create`` is given: the store allocates the ids."""

    email: str
    first_name: str
    last_name: str
    team_names: tuple[str, ...] = ()
    """Teams to put the owner in, the first one primary; missing teams are created."""
    type: str = PERSON


@dataclass(frozen=True)
class OwnerPage:
    owners: list[Owner]
    next_after: str | None
    """The ``after`` that reads the next page; ``None`` on the last page."""


class Owners:
    """An immutable view of every owner of the portal, archived ones too, by id."""

    def __init__(self, owners: Iterable[Owner]) -> None:
        self.by_id = {o.id: o for o in sorted(owners, key=lambda o: o.id)}
        self._by_user_id = {o.user_id: o for o in self.by_id.values()}
        self.live = tuple(o for o in self.by_id.values() if not o.archived)

    def find(self, owner_id: str, *, by_user_id: bool, archived: bool) -> Owner | None:
        """The owner whose ``id`` (or ``userId``) is ``owner_id``, if it is archived or
        live as asked."""
        number = _whole_number(owner_id)
        found = (self._by_user_id if by_user_id else self.by_id).get(number or 0)
        return found if found is not None and found.archived == archived else None

    def page(
        self, *, after: str | None, limit: str | None, email: str | None, archived: bool
    ) -> OwnerPage:
        """Owners in id order from the cursor ``after`` (an id, inclusive), live or only
        archived ones, those with ``email`` only (any letter case) when it is given."""
        size = _page_size(limit)
        start = 0 if after is None else _cursor(after)
        wanted = email.lower() if email is not None else None
        matching = [
            o
            for o in self.by_id.values()
            if o.id >= start
            and o.archived == archived
            and (wanted is None or o.email.lower() == wanted)
        ]
        page = matching[:size]
        next_after = str(page[-1].id + 1) if len(matching) > size else None
        return OwnerPage(page, next_after)


def with_owner_options(
    definitions: Sequence[PropertyDefinition], owners: Owners
) -> tuple[PropertyDefinition, ...]:
    """``definitions`` with ``hubspot_owner_id`` listing the live owners as its options
    (by name, then id) and naming owners as what it references."""
    ordered = sorted(owners.live, key=lambda o: (o.full_name.lower(), o.id))
    options = tuple(Option(o.full_name, str(o.id), order) for order, o in enumerate(ordered))
    return tuple(
        dataclasses.replace(d, options=options, referenced_object_type=OWNER_REFERENCE)
        if d.name == OWNER_PROPERTY
        else d
        for d in definitions
    )


def check_new_owner(owner: NewOwner, owners: Owners) -> NewOwner:
    """``owner`` with its fields trimmed; refuses what no user could be, and an email a
    live owner has."""
    email = owner.email.strip()
    if not _EMAIL.fullmatch(email):
        raise ValidationError(f"Invalid email '{owner.email}': an owner needs an email address")
    if any(o.email.lower() == email.lower() for o in owners.live):
        raise owner_exists(email)
    if owner.type not in (PERSON, QUEUE):
        raise ValidationError(f"Invalid owner type '{owner.type}': expected {PERSON} or {QUEUE}")
    first, last = owner.first_name.strip(), owner.last_name.strip()
    teams = tuple(dict.fromkeys(t.strip() for t in owner.team_names if t.strip()))
    for text in (email, first, last, *teams):
        if len(text) > MAX_FIELD_LENGTH:
            raise ValidationError(
                f"'{text[:40]}…' is too long: names and emails hold at most "
                f"{MAX_FIELD_LENGTH} characters"
            )
    return NewOwner(email, first, last, teams, owner.type)


def owner_exists(email: str) -> ValidationError:
    return ValidationError(f"An owner with email {email} exists already")


def _page_size(limit: str | None) -> int:
    if limit is None:
        return DEFAULT_PAGE_SIZE
    size = _whole_number(limit) or 0
    if not 1 <= size <= MAX_PAGE_SIZE:
        raise InvalidPageRequest(
            f"Invalid limit '{limit}': a page holds from 1 to {MAX_PAGE_SIZE} owners"
        )
    return size


def _cursor(after: str) -> int:
    number = _whole_number(after)
    if number is None:
        raise InvalidPageRequest.for_cursor(after)
    return number


def _whole_number(text: str) -> int | None:
    """The number ``text`` writes in digits alone (at most 18 of them), else ``None``."""
    if text.isascii() and text.isdigit() and len(text) < 19:
        return int(text)
    return None
