"""An object type only the tests serve, beside tickets: ``widgets`` (``2-1001``, shaped
like a HubSpot custom object). It differs from tickets wherever a type may: no pipelines,
``hs_createdate`` as its create date, a lookup property (``code``, unique per record though
its definition says otherwise, like contacts' ``email``), a unique property (``serial``),
its own scopes, group and searchable properties. Tests that serve it show that the
machinery is generic, and that records never cross from one type to another."""

from __future__ import annotations

from spoke.domain.object_types import ObjectScopes, ObjectType
from spoke.domain.pipelines import BUILT_IN_AT
from spoke.domain.properties import PropertyDefinition, PropertyGroup, PropertyType

GROUP = "widgetinformation"


def _standard(
    name: str,
    type_: PropertyType,
    field_type: str,
    *,
    read_only: bool = False,
    unique: bool = False,
) -> PropertyDefinition:
    return PropertyDefinition(
        name=name,
        label=name.replace("_", " ").capitalize(),
        type=type_,
        field_type=field_type,
        group_name=GROUP,
        has_unique_value=unique,
        hubspot_defined=True,
        read_only_value=read_only,
        read_only_definition=True,
        archivable=False,
        form_field=not read_only,
        created_at=BUILT_IN_AT,
        updated_at=BUILT_IN_AT,
    )


S, N, D, E = (
    PropertyType.STRING,
    PropertyType.NUMBER,
    PropertyType.DATETIME,
    PropertyType.ENUMERATION,
)

WIDGETS = ObjectType(
    type_id="2-1001",
    name="widgets",
    singular="widget",
    label="WIDGET",
    properties=(
        _standard("name", S, "text"),
        _standard("code", S, "text"),
        _standard("serial", N, "number", unique=True),
        _standard("colour", S, "text"),
        _standard("hs_createdate", D, "date"),
        _standard("hs_lastmodifieddate", D, "date", read_only=True),
        _standard("hs_object_id", N, "number", read_only=True),
        _standard("hs_merged_object_ids", E, "checkbox", read_only=True),
    ),
    groups=(PropertyGroup(GROUP, "Widget information", 0),),
    default_properties=("name", "code"),
    created_property="hs_createdate",
    modified_property="hs_lastmodifieddate",
    query_properties=("name", "code"),
    scopes=ObjectScopes(
        read=("crm.objects.custom.read",),
        write=("crm.objects.custom.write",),
        schema_read=("crm.schemas.custom.read",),
        schema_write=("crm.schemas.custom.write",),
    ),
    lookup_properties=("code",),
)
