"""Access tokens: bearer tokens with scopes, stored only as hashes.

Each token belongs to an app; the app id is what writes record as their ``sourceId``.
"""

from __future__ import annotations

import hashlib
import secrets
from collections.abc import Sequence

from spoke.domain.hubspot_object_types import CUSTOM_OBJECTS, FORMS_SCOPES
from spoke.domain.instants import format_instant, now_ms
from spoke.domain.owners import OWNER_READ_SCOPES
from spoke.domain.standard_objects import STANDARD_OBJECT_TYPES
from spoke.errors import ExpiredAuthentication, InvalidAuthentication, MissingScopes
from spoke.store.base import Store, TokenRecord

TOKEN_PREFIX = "pat-na1-"
#: The scopes of the operations whose paths name no object type: the owners API, and the
#: custom object schemas API (``spoke.api.custom_schemas``), which takes the read scopes
#: of custom object definitions, and forms' property definitions (the legacy properties
#: API, ``spoke.api.legacy.routes``).
SCOPES_BEYOND_OBJECT_TYPES = (
    *OWNER_READ_SCOPES,
    *CUSTOM_OBJECTS.definitions_read,
    *FORMS_SCOPES,
)
#: Every scope some operation takes: those of the standard object types and the others.
KNOWN_SCOPES = frozenset(
    (
        *(scope for t in STANDARD_OBJECT_TYPES for scope in t.scopes.all()),
        *SCOPES_BEYOND_OBJECT_TYPES,
    )
)


def hash_token(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def create_token(
    store: Store,
    scopes: Sequence[str],
    app_id: int | None = None,
    expires_in_seconds: int | None = None,
) -> tuple[str, TokenRecord]:
    """A new token (returned once, never stored in clear) and what was stored for it."""
    token = TOKEN_PREFIX + secrets.token_hex(16)
    created = now_ms()
    record = TokenRecord(
        token_hash=hash_token(token),
        app_id=app_id if app_id is not None else store.allocate_app_id(),
        scopes=tuple(dict.fromkeys(scopes)),
        created_at=created,
        expires_at=created + expires_in_seconds * 1000 if expires_in_seconds is not None else None,
    )
    store.insert_token(record)
    return token, record


class Authenticator:
    """Checks ``Authorization`` headers against the store's tokens.

    A token never changes once created, so each one found is remembered (up to
    ``capacity``); tokens not found are looked up again every time, so a token created
    through any worker works at once.
    """

    def __init__(self, store: Store, capacity: int = 10_000) -> None:
        self._store = store
        self._capacity = capacity
        self._known: dict[str, TokenRecord] = {}

    def authenticate(self, authorization: str | None) -> TokenRecord:
        """The token an ``Authorization`` header carries; raises HubSpot's 401s."""
        if not authorization or authorization[:7].lower() != "bearer ":
            raise InvalidAuthentication()
        token_hash = hash_token(authorization[7:].strip())
        record = self._known.get(token_hash) or self._look_up(token_hash)
        if record.expires_at is not None:
            now = now_ms()
            if now >= record.expires_at:
                raise ExpiredAuthentication(
                    _elapsed(now - record.expires_at), format_instant(record.expires_at)
                )
        return record

    def _look_up(self, token_hash: str) -> TokenRecord:
        record = self._store.find_token(token_hash)
        if record is None:
            raise InvalidAuthentication()
        if len(self._known) >= self._capacity:
            self._known.clear()
        self._known[token_hash] = record
        return record


def require_scopes(token: TokenRecord, any_of: Sequence[str]) -> None:
    """The token must hold at least one of ``any_of`` (HubSpot lists alternatives)."""
    if not set(any_of) & set(token.scopes):
        raise MissingScopes(any_of)


def _elapsed(ms: int) -> str:
    seconds = ms // 1000
    for unit, size in (("day(s)", 86400), ("hour(s)", 3600), ("minute(s)", 60)):
        if seconds >= size:
            return f"{seconds // size} {unit}"
    return f"{seconds} second(s)"
