"""HubSpot's deals (object type 0-3): standard properties, groups, defaults and the
default "Sales Pipeline".

Names, labels, types and field types follow a dump of the HubSpot-defined deal properties
of a real portal, whose per-stage properties ("Date entered \\"Closed Won (Sales
Pipeline)\\"") also give the default pipeline's and stages' labels; stage ids and
metadata follow captured pipeline responses (docs/behaviour.md, "Standard object types").
"""

from __future__ import annotations

from spoke.domain.object_types import ObjectType, PipelineModel
from spoke.domain.pipelines import Pipeline, Stage, StageMetadataField
from spoke.domain.properties import Option
from spoke.domain.standard_objects.building import (
    DATETIME,
    ENUMERATION,
    NUMBER,
    RECORD_ID_DESCRIPTION,
    STRING,
    groups,
    hubspot_property,
    hubspot_scopes,
    options,
)


def _stage(stage_id: str, label: str, order: int, probability: str, closed: bool = False) -> Stage:
    """A stage with HubSpot's deal stage metadata, which it sends as strings."""
    metadata = {"isClosed": "true" if closed else "false", "probability": probability}
    return Stage(stage_id, label, order, metadata)


SALES_PIPELINE = Pipeline(
    id="default",
    label="Sales Pipeline",
    display_order=0,
    stages=(
        _stage("appointmentscheduled", "Appointment Scheduled", 0, "0.2"),
        _stage("qualifiedtobuy", "Qualified To Buy", 1, "0.4"),
        _stage("presentationscheduled", "Presentation Scheduled", 2, "0.6"),
        _stage("decisionmakerboughtin", "Decision Maker Bought-In", 3, "0.8"),
        _stage("contractsent", "Contract Sent", 4, "0.9"),
        _stage("closedwon", "Closed Won", 5, "1.0", closed=True),
        _stage("closedlost", "Closed Lost", 6, "0.0", closed=True),
    ),
)
"""The pipeline every portal's deals start in."""

INFO = "dealinformation"
P, S, N, D, E = hubspot_property, STRING, NUMBER, DATETIME, ENUMERATION

DEALS = ObjectType(
    type_id="0-3",
    name="deals",
    singular="deal",
    label="DEAL",
    properties=(
        P("dealname", "Deal Name", S, "text", INFO),
        P("amount", "Amount", N, "number", INFO),
        P("closedate", "Close Date", D, "date", INFO),
        # The options of pipeline and dealstage are the default pipeline's here; the
        # stored pipelines take their place (as for tickets' hs_pipeline and
        # hs_pipeline_stage, spoke.domain.pipelines.with_pipeline_options).
        P(
            "pipeline",
            "Pipeline",
            E,
            "select",
            INFO,
            options=(Option(SALES_PIPELINE.label, SALES_PIPELINE.id, 0),),
            external_options=True,
        ),
        P(
            "dealstage",
            "Deal Stage",
            E,
            "radio",
            INFO,
            options=tuple(Option(s.label, s.id, s.display_order) for s in SALES_PIPELINE.stages),
            external_options=True,
        ),
        P(
            "dealtype",
            "Deal Type",
            E,
            "radio",
            INFO,
            options=options(
                ("newbusiness", "New Business"), ("existingbusiness", "Existing Business")
            ),
        ),
        P("description", "Deal Description", S, "textarea", INFO),
        P(
            "hs_priority",
            "Priority",
            E,
            "select",
            INFO,
            options=options(("low", "Low"), ("medium", "Medium"), ("high", "High")),
        ),
        P("hs_next_step", "Next step", S, "textarea", INFO),
        P("closed_lost_reason", "Closed Lost Reason", S, "textarea", INFO),
        P("closed_won_reason", "Closed Won Reason", S, "textarea", INFO),
        P("hubspot_owner_id", "Deal owner", E, "select", INFO, external_options=True),
        P("hubspot_owner_assigneddate", "Owner assigned date", D, "date", INFO, read_only=True),
        P(
            "hubspot_team_id",
            "HubSpot Team",
            E,
            "select",
            INFO,
            external_options=True,
            read_only=True,
        ),
        P(
            "hs_all_collaborator_owner_ids",
            "Deal Collaborator",
            E,
            "checkbox",
            INFO,
            external_options=True,
        ),
        P("hs_acv", "Annual contract value", N, "number", INFO),
        P("hs_arr", "Annual recurring revenue", N, "number", INFO),
        P("hs_mrr", "Monthly recurring revenue", N, "number", INFO),
        P("hs_tcv", "Total contract value", N, "number", INFO),
        P("hs_forecast_probability", "Forecast probability", N, "number", INFO),
        P("hs_forecast_amount", "Forecast amount", N, "number", INFO, read_only=True),
        P("hs_deal_stage_probability", "Deal probability", N, "number", INFO, read_only=True),
        P("hs_closed_won_date", "Closed Won Date (Internal)", D, "date", INFO, read_only=True),
        P("createdate", "Create Date", D, "date", INFO),
        P("hs_lastmodifieddate", "Last Modified Date", D, "date", INFO, read_only=True),
        P(
            "hs_object_id",
            "Record ID",
            N,
            "number",
            INFO,
            read_only=True,
            description=RECORD_ID_DESCRIPTION,
        ),
        P("hs_object_source", "Record creation source", S, "text", INFO, read_only=True),
        P("hs_object_source_id", "Record creation source ID", S, "text", INFO, read_only=True),
        P("hs_merged_object_ids", "Merged Deal IDs", E, "checkbox", INFO, read_only=True),
        P("hs_pinned_engagement_id", "Pinned Engagement ID", N, "number", INFO),
        P(
            "num_associated_contacts",
            "Number of Associated Contacts",
            N,
            "number",
            INFO,
            read_only=True,
        ),
        P(
            "hs_num_of_associated_line_items",
            "Number of Associated Line Items",
            N,
            "number",
            INFO,
            read_only=True,
        ),
        P("notes_last_updated", "Last Activity Date", D, "date", INFO, read_only=True),
        P("notes_last_contacted", "Last Contacted", D, "date", INFO, read_only=True),
        P("notes_next_activity_date", "Next Activity Date", D, "date", INFO, read_only=True),
        P("num_contacted_notes", "Number of times contacted", N, "number", INFO, read_only=True),
        P("num_notes", "Number of Sales Activities", N, "number", INFO, read_only=True),
    ),
    groups=groups((INFO, "Deal information", 0)),
    default_properties=("amount", "closedate", "dealname", "dealstage", "pipeline"),
    created_property="createdate",
    modified_property="hs_lastmodifieddate",
    query_properties=("dealname", "pipeline", "dealstage", "description", "dealtype"),
    scopes=hubspot_scopes("deals"),
    pipelines=PipelineModel(
        pipeline_property="pipeline",
        stage_property="dealstage",
        defaults=(SALES_PIPELINE,),
        stage_metadata=(
            # Whether deals in the stage are closed; HubSpot answers it on every deal stage.
            StageMetadataField("isClosed", choices=("true", "false"), default="false"),
            # HubSpot requires it of every deal stage, from 0.0 to 1.0 (its pipelines guide).
            StageMetadataField("probability"),
        ),
    ),
)
