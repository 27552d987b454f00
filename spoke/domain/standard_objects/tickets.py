"""HubSpot's tickets (object type 0-5): standard properties (behaviour.md §7), their
group, the default "Support Pipeline" and the ticket stage rules, as Spoke defines them."""

from __future__ import annotations

from spoke.domain.object_types import ObjectType, PipelineModel
from spoke.domain.pipelines import BUILT_IN_AT, Pipeline, Stage, StageMetadataField
from spoke.domain.properties import Option, PropertyDefinition, PropertyGroup, PropertyType
from spoke.domain.standard_objects.building import hubspot_scopes

SUPPORT_PIPELINE = Pipeline(
    id="0",
    label="Support Pipeline",
    display_order=0,
    stages=(
        Stage("1", "New", 0, {"ticketState": "OPEN"}),
        Stage("2", "Waiting on contact", 1, {"ticketState": "OPEN"}),
        Stage("3", "Waiting on us", 2, {"ticketState": "OPEN"}),
        Stage("4", "Closed", 3, {"ticketState": "CLOSED"}),
    ),
)
"""The pipeline every portal's tickets start in (migration 0004 stored it first)."""

#: Every ticket stage says whether its tickets are open or closed (HubSpot's docs call it
#: optional; without it a stage has no open/closed meaning, so Spoke requires it).
TICKET_STATE = StageMetadataField("ticketState", choices=("OPEN", "CLOSED"))

INFO = "ticketinformation"


def _options(*pairs: tuple[str, str]) -> tuple[Option, ...]:
    return tuple(Option(label, value, order) for order, (value, label) in enumerate(pairs))


def _standard(
    name: str,
    label: str,
    type_: PropertyType,
    field_type: str,
    *,
    options: tuple[Option, ...] = (),
    read_only: bool = False,
    external_options: bool = False,
    group: str = INFO,
) -> PropertyDefinition:
    return PropertyDefinition(
        name=name,
        label=label,
        type=type_,
        field_type=field_type,
        group_name=group,
        options=options,
        hubspot_defined=True,
        read_only_value=read_only,
        read_only_definition=True,
        archivable=False,
        external_options=external_options,
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

_PROPERTIES: tuple[PropertyDefinition, ...] = (
    _standard("subject", "Ticket name", S, "text"),
    _standard("content", "Ticket description", S, "textarea"),
    # The options of hs_pipeline and hs_pipeline_stage are the default pipeline's here;
    # the catalogue puts the stored pipelines in their place (with_pipeline_options).
    _standard(
        "hs_pipeline",
        "Pipeline",
        E,
        "select",
        options=(Option(SUPPORT_PIPELINE.label, SUPPORT_PIPELINE.id, 0),),
        external_options=True,
    ),
    _standard(
        "hs_pipeline_stage",
        "Ticket status",
        E,
        "select",
        options=tuple(Option(s.label, s.id, s.display_order) for s in SUPPORT_PIPELINE.stages),
        external_options=True,
    ),
    _standard(
        "hs_ticket_priority",
        "Priority",
        E,
        "select",
        options=_options(
            ("LOW", "Low"), ("MEDIUM", "Medium"), ("HIGH", "High"), ("URGENT", "Urgent")
        ),
    ),
    _standard(
        "hs_ticket_category",
        "Category",
        E,
        "checkbox",
        options=_options(
            ("PRODUCT_ISSUE", "Product issue"),
            ("BILLING_ISSUE", "Billing issue"),
            ("FEATURE_REQUEST", "Feature request"),
            ("GENERAL_INQUIRY", "General inquiry"),
        ),
    ),
    _standard(
        "source_type",
        "Source",
        E,
        "select",
        options=_options(
            ("CHAT", "Chat"), ("EMAIL", "Email"), ("FORM", "Form"), ("PHONE", "Phone")
        ),
    ),
    _standard("hubspot_owner_id", "Ticket owner", E, "select", external_options=True),
    _standard("hs_resolution", "Resolution", S, "textarea"),
    _standard("createdate", "Create date", D, "date"),
    _standard("hs_lastmodifieddate", "Last modified date", D, "date", read_only=True),
    _standard("closed_date", "Close date", D, "date"),
    _standard("first_agent_reply_date", "First agent email response date", D, "date"),
    _standard("last_reply_date", "Last response date", D, "date"),
    _standard("hs_lastactivitydate", "Last activity date", D, "date", read_only=True),
    _standard("hs_object_id", "Record ID", N, "number", read_only=True),
    _standard("hs_ticket_id", "Ticket ID", N, "number", read_only=True),
    _standard("time_to_close", "Time to close", N, "number", read_only=True),
    _standard("hs_num_times_contacted", "Number of times contacted", N, "number", read_only=True),
    _standard("nps_score", "NPS score", N, "number"),
    _standard("hs_object_source", "Record source", S, "text", read_only=True),
    _standard("hs_object_source_id", "Record source ID", S, "text", read_only=True),
    _standard("hs_object_source_label", "Record source", S, "text", read_only=True),
    _standard("hs_merged_object_ids", "Merged ticket IDs", E, "checkbox", read_only=True),
    _standard("hs_file_upload", "File upload", S, "file"),
    _standard("source_thread_id", "Source Thread ID", S, "text", read_only=True),
    _standard("created_by", "Created by", N, "number", read_only=True),
)

TICKETS = ObjectType(
    type_id="0-5",
    name="tickets",
    singular="ticket",
    label="TICKET",
    properties=_PROPERTIES,
    groups=(PropertyGroup(INFO, "Ticket information", 0),),
    # Returned when a read names no properties (spec-v3, "Properties returned by default").
    default_properties=(
        "content",
        "hs_pipeline",
        "hs_pipeline_stage",
        "hs_ticket_category",
        "hs_ticket_priority",
        "subject",
    ),
    created_property="createdate",
    modified_property="hs_lastmodifieddate",
    # The tickets' default searchable properties.
    query_properties=(
        "content",
        "hs_pipeline_stage",
        "hs_ticket_category",
        "hs_ticket_id",
        "subject",
    ),
    scopes=hubspot_scopes("tickets"),
    pipelines=PipelineModel(
        pipeline_property="hs_pipeline",
        stage_property="hs_pipeline_stage",
        defaults=(SUPPORT_PIPELINE,),
        stage_metadata=(TICKET_STATE,),
    ),
    id_properties=("hs_ticket_id",),
)
