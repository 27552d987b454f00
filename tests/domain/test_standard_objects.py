"""The standard object types' data is consistent with itself: every name it refers to
exists, options and names are unique, pipelines agree with their properties, and every
association type has its inverse. A typo in the data fails here."""

from __future__ import annotations

import pytest

from spoke.domain.hubspot_object_types import hubspot_object_type
from spoke.domain.object_types import ObjectType
from spoke.domain.pipelines import BUILT_IN_AT
from spoke.domain.properties import FIELD_TYPES, PropertyType
from spoke.domain.standard_objects import STANDARD_OBJECT_TYPES
from spoke.domain.standard_objects.associations import ASSOCIATION_TYPES, association_types

#: The type ids HubSpot gives the standard types (its object type id table).
TYPE_IDS = {
    "contacts": "0-1",
    "companies": "0-2",
    "deals": "0-3",
    "tickets": "0-5",
    "calls": "0-48",
    "emails": "0-49",
    "meetings": "0-47",
    "notes": "0-46",
    "tasks": "0-27",
    "communications": "0-18",
    "postal_mail": "0-116",
    "products": "0-7",
    "line_items": "0-8",
    "quotes": "0-14",
    "leads": "0-136",
    "goal_targets": "0-74",
    "feedback_submissions": "0-19",
    # HubSpot publishes no type id for deal splits: Spoke's is their name.
    "deal_split": "deal_split",
}
ENGAGEMENTS = ("0-48", "0-49", "0-47", "0-46", "0-27")
RECORDS = ("0-1", "0-2", "0-3", "0-5")

TYPES = pytest.mark.parametrize("object_type", STANDARD_OBJECT_TYPES, ids=lambda t: t.name)


def _names(object_type: ObjectType) -> set[str]:
    return {p.name for p in object_type.properties}


def test_the_types_are_hubspots_by_name_and_type_id() -> None:
    assert {t.name: t.type_id for t in STANDARD_OBJECT_TYPES} == TYPE_IDS
    assert len({t.singular for t in STANDARD_OBJECT_TYPES}) == len(TYPE_IDS)
    for object_type in STANDARD_OBJECT_TYPES:
        assert object_type.label == object_type.singular.upper()


@TYPES
def test_property_and_group_names_are_unique(object_type: ObjectType) -> None:
    names = [p.name for p in object_type.properties]
    assert len(names) == len(set(names))
    groups = [g.name for g in object_type.groups]
    assert len(groups) == len(set(groups))
    assert sorted(g.display_order for g in object_type.groups) == list(range(len(groups)))


@TYPES
def test_every_property_is_in_one_of_the_types_groups(object_type: ObjectType) -> None:
    groups = {g.name for g in object_type.groups}
    assert {
        p.name: p.group_name for p in object_type.properties if p.group_name not in groups
    } == {}
    used = {p.group_name for p in object_type.properties}
    assert groups <= used, "a group no property is in"


@TYPES
def test_the_properties_the_type_names_exist(object_type: ObjectType) -> None:
    named = {
        *object_type.default_properties,
        *object_type.query_properties,
        *object_type.lookup_properties,
        *object_type.id_properties,
        object_type.created_property,
        object_type.modified_property,
        "hs_object_id",
    }
    assert named - _names(object_type) == set()


@TYPES
def test_the_always_returned_properties_are_system_properties(object_type: ObjectType) -> None:
    by_name = {p.name: p for p in object_type.properties}
    created = by_name[object_type.created_property]
    modified = by_name[object_type.modified_property]
    record_id = by_name["hs_object_id"]
    assert created.type is modified.type is PropertyType.DATETIME
    assert modified.read_only_value
    assert record_id.type is PropertyType.NUMBER
    assert record_id.read_only_value
    assert not set(object_type.default_properties) & {
        object_type.created_property,
        object_type.modified_property,
        "hs_object_id",
    }


@TYPES
def test_every_property_is_hubspot_defined_since_spokes_epoch(object_type: ObjectType) -> None:
    for p in object_type.properties:
        assert p.hubspot_defined, p.name
        assert p.read_only_definition, p.name
        assert not p.archivable, p.name
        assert p.created_at == p.updated_at == BUILT_IN_AT, p.name
        assert p.label, p.name


@TYPES
def test_field_types_fit_property_types(object_type: ObjectType) -> None:
    for p in object_type.properties:
        # HubSpot's phone number properties of contacts and companies are "string"
        # properties with the field type "phonenumber".
        fits = p.field_type in FIELD_TYPES[p.type] or (
            p.type is PropertyType.STRING and p.field_type == "phonenumber"
        )
        assert fits, (p.name, p.type, p.field_type)


@TYPES
def test_enumeration_options_are_unique_and_present(object_type: ObjectType) -> None:
    for p in object_type.properties:
        if p.type is PropertyType.BOOL:
            assert [(o.value, o.label) for o in p.options] == [("true", "True"), ("false", "False")]
            continue
        if p.type is not PropertyType.ENUMERATION:
            assert p.options == (), p.name
            continue
        values = [o.value for o in p.options]
        assert len(values) == len(set(values)), p.name
        assert all(o.label and o.value for o in p.options), p.name
        if not p.external_options and not p.read_only_value:
            assert p.options, f"{p.name} takes values but has no options"


@TYPES
def test_pipelines_match_their_properties(object_type: ObjectType) -> None:
    model = object_type.pipelines
    if model is None:
        return
    by_name = {p.name: p for p in object_type.properties}
    pipeline = by_name[model.pipeline_property]
    stage = by_name[model.stage_property]
    assert pipeline.external_options and stage.external_options
    defaults = model.defaults
    assert {(o.value, o.label) for o in pipeline.options} == {(p.id, p.label) for p in defaults}
    assert {(o.value, o.label) for o in stage.options} == {
        (s.id, s.label) for p in defaults for s in p.stages
    }
    for p in defaults:
        assert len({s.id for s in p.stages}) == len(p.stages)
        assert sorted(s.display_order for s in p.stages) == list(range(len(p.stages)))


def test_deal_stages_carry_hubspots_metadata() -> None:
    (deals,) = (t for t in STANDARD_OBJECT_TYPES if t.name == "deals")
    assert deals.pipelines is not None
    (sales,) = deals.pipelines.defaults
    assert (sales.id, sales.label) == ("default", "Sales Pipeline")
    for stage in sales.stages:
        assert set(stage.metadata) == {"isClosed", "probability"}
        assert stage.metadata["isClosed"] in ("true", "false")
        assert 0 <= float(stage.metadata["probability"]) <= 1
    closed = {s.id for s in sales.stages if s.metadata["isClosed"] == "true"}
    assert closed == {"closedwon", "closedlost"}


def test_every_type_is_one_of_hubspots_with_its_scopes() -> None:
    for object_type in STANDARD_OBJECT_TYPES:
        hubspot = hubspot_object_type(object_type.name)
        assert hubspot is not None, object_type.name
        assert hubspot_object_type(object_type.singular) is hubspot
        assert object_type.scopes.read == hubspot.read
        assert object_type.scopes.schema_read == hubspot.definitions_read


def test_association_types_join_known_types_and_are_unique() -> None:
    known = set(TYPE_IDS.values())
    for t in ASSOCIATION_TYPES:
        assert {t.from_type_id, t.to_type_id} <= known, t
        assert t.category == "HUBSPOT_DEFINED"
    assert len({t.type_id for t in ASSOCIATION_TYPES}) == len(ASSOCIATION_TYPES)
    assert len({t.name for t in ASSOCIATION_TYPES}) == len(ASSOCIATION_TYPES)


def test_every_association_type_has_its_inverse() -> None:
    by_id = {t.type_id: t for t in ASSOCIATION_TYPES}
    for t in ASSOCIATION_TYPES:
        inverse = by_id[t.inverse_type_id]
        assert (inverse.from_type_id, inverse.to_type_id) == (t.to_type_id, t.from_type_id)
        assert inverse.inverse_type_id == t.type_id
        assert (inverse.label is None) == (t.label is None)


def test_records_associate_with_every_type_and_engagements_with_records_only() -> None:
    for record in RECORDS:
        for other in (*RECORDS, *ENGAGEMENTS):
            unlabeled = [t for t in association_types(record, other) if t.label is None]
            assert len(unlabeled) == 1, (record, other)
    for engagement in ENGAGEMENTS:
        for other in ENGAGEMENTS:
            assert association_types(engagement, other) == ()
