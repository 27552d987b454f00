"""CRM object types: what describes one, and which one a path names.

Everything Spoke does with records (store, reads, writes, search, properties, pipelines,
paths) works from an :class:`ObjectType`; the standard types' data live in
``spoke.domain.standard_objects``. :class:`ObjectTypes` is the set a server serves.

HubSpot's paths name an object type by its plural name (``tickets``), its singular name
(``ticket``) or its type id (``0-5``). A HubSpot object type that Spoke does not serve (a
standard name such as ``line_items``, from :mod:`spoke.domain.hubspot_object_types`, or
any type id such as a custom object's ``2-123``) is a 404 (the API layer answers HubSpot's
403 first to a token without the type's scopes). A name HubSpot has no object type for
is refused as HubSpot refuses it: 400 ``Unable to infer object type from: <name>``.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from enum import StrEnum

from spoke.domain.hubspot_object_types import hubspot_object_type
from spoke.domain.pipelines import Pipeline, StageMetadataField
from spoke.domain.properties import PropertyDefinition, PropertyGroup
from spoke.errors import ObjectTypeNotServed, ObjectTypeWithoutPipelines, UnknownObjectType


class Access(StrEnum):
    """What an operation does, which decides the scopes it takes (:class:`ObjectScopes`)."""

    READ = "read"
    WRITE = "write"
    SCHEMA_READ = "schema_read"
    SCHEMA_WRITE = "schema_write"


@dataclass(frozen=True)
class ObjectScopes:
    """HubSpot's scope names for one object type; a token needs any one of a tuple."""

    read: tuple[str, ...]  # object reads (list, get, batch read, search)
    write: tuple[str, ...]  # object writes (create, update, upsert, archive, merge)
    schema_read: tuple[str, ...]  # properties and pipelines reads
    schema_write: tuple[str, ...]  # properties and pipelines writes

    def for_access(self, access: Access) -> tuple[str, ...]:
        scopes: tuple[str, ...] = getattr(self, access.value)
        return scopes

    def all(self) -> tuple[str, ...]:
        """Every scope named, without repeats."""
        return tuple(
            dict.fromkeys((*self.read, *self.write, *self.schema_read, *self.schema_write))
        )


@dataclass(frozen=True)
class PipelineModel:
    """How an object type's records sit in pipelines (only types that have pipelines)."""

    pipeline_property: str  # tickets "hs_pipeline", deals "pipeline"
    stage_property: str  # tickets "hs_pipeline_stage", deals "dealstage"
    defaults: tuple[Pipeline, ...]  # the pipelines every portal starts with
    stage_metadata: tuple[StageMetadataField, ...] = ()
    """The ``metadata`` keys every stage has (others sent are not kept)."""

    @property
    def default_pipeline_id(self) -> str:
        """The pipeline a record created without one goes to; it cannot be deleted."""
        return self.defaults[0].id


@dataclass(frozen=True)
class ObjectType:
    type_id: str  # HubSpot's object type id: "0-5"
    name: str  # the plural name object paths take: "tickets"
    singular: str  # "ticket" (HubSpot's paths accept it too)
    label: str  # as in HubSpot's messages: "TICKET"
    # ("Could not get some TICKET objects, they may be deleted ...")
    properties: tuple[PropertyDefinition, ...]  # HubSpot's standard properties of the type
    groups: tuple[PropertyGroup, ...]  # HubSpot's standard property groups of the type
    default_properties: tuple[str, ...]  # returned when a read names no properties
    created_property: str  # "createdate" (engagements: "hs_createdate")
    modified_property: str  # "hs_lastmodifieddate" (contacts: "lastmodifieddate")
    query_properties: tuple[str, ...]  # what a search's full-text `query` searches
    scopes: ObjectScopes
    pipelines: PipelineModel | None = None  # None: the type has no pipelines
    id_properties: tuple[str, ...] = ()
    """Standard properties that hold the record's own id, set on create (tickets: hs_ticket_id)."""
    lookup_properties: tuple[str, ...] = ()
    """Standard properties HubSpot accepts as ``idProperty`` and keeps unique per record
    (contacts: ("email",)), although their definitions say hasUniqueValue false."""

    @property
    def names(self) -> tuple[str, ...]:
        """Every name a path may give the type."""
        return (self.name, self.singular, self.type_id)


#: An object type id: ``0-<n>`` for HubSpot's own types, ``2-<n>`` for custom objects.
_TYPE_ID = re.compile(r"^[0-9]+-[0-9]+$")


class ObjectTypes:
    """The object types a server serves, found by any name a path gives them."""

    def __init__(self, types: Iterable[ObjectType]) -> None:
        self.all: tuple[ObjectType, ...] = tuple(types)
        self._by_name: dict[str, ObjectType] = {}
        for object_type in self.all:
            for name in object_type.names:
                if self._by_name.setdefault(name, object_type) is not object_type:
                    raise ValueError(f"two object types are named {name!r}")
        self._by_id = {t.type_id: t for t in self.all}
        served = ", ".join(f"{t.name} (object type {t.type_id})" for t in self.all)
        self._served = served

    def __iter__(self) -> Iterator[ObjectType]:
        return iter(self.all)

    def by_id(self, type_id: str) -> ObjectType:
        return self._by_id[type_id]

    def names(self) -> tuple[str, ...]:
        """Every name a path may give a served type: plural, singular and type id."""
        return tuple(self._by_name)

    def pipeline_names(self) -> tuple[str, ...]:
        """Every name of a served type that has pipelines."""
        return tuple(n for n, t in self._by_name.items() if t.pipelines is not None)

    def resolve(self, name: str) -> ObjectType:
        """The served type ``name`` names; else a 404 for a HubSpot object type Spoke does
        not serve, or HubSpot's 400 for a name HubSpot has no object type for."""
        found = self._by_name.get(name)
        if found is not None:
            return found
        if hubspot_object_type(name) is not None or _TYPE_ID.match(name):
            raise ObjectTypeNotServed(name, self._served)
        raise UnknownObjectType(name)

    def resolve_with_pipelines(self, name: str) -> ObjectType:
        """As :meth:`resolve`, and a 400 for a served type that has no pipelines."""
        found = self.resolve(name)
        if found.pipelines is None:
            with_pipelines = [t.name for t in self.all if t.pipelines is not None]
            raise ObjectTypeWithoutPipelines(found.name, found.type_id, with_pipelines)
        return found
