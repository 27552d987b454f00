"""HubSpot's sales and service objects beyond deals and tickets: leads 0-136, goal targets
0-74, feedback submissions 0-19 and deal splits (whose type id HubSpot does not publish).

Property names follow HubSpot's leads, goals, feedback submissions and deal splits guides
(developers.hubspot.com/docs/api/crm/leads, .../goals, .../feedback-submissions,
.../deal-splits); default returned properties their object guides. docs/behaviour.md
("Standard object types") says where each came from and what was chosen where no source
was found.
"""

from __future__ import annotations

from spoke.domain.object_types import ObjectType
from spoke.domain.standard_objects.building import (
    DATETIME,
    ENUMERATION,
    NUMBER,
    STRING,
    groups,
    hubspot_property,
    hubspot_scopes,
    options,
    system_properties,
)

P, S, N, D, E = hubspot_property, STRING, NUMBER, DATETIME, ENUMERATION

LEAD = "leadinformation"
LEADS = ObjectType(
    type_id="0-136",
    name="leads",
    singular="lead",
    label="LEAD",
    properties=(
        P("hs_lead_name", "Lead name", S, "text", LEAD),
        P(
            "hs_lead_type",
            "Lead type",
            E,
            "select",
            LEAD,
            options=options(
                ("NEW_BUSINESS", "New Business"),
                ("EXISTING_BUSINESS", "Existing Business"),
            ),
        ),
        P(
            "hs_lead_label",
            "Lead label",
            E,
            "select",
            LEAD,
            options=options(("COLD", "Cold"), ("WARM", "Warm"), ("HOT", "Hot")),
        ),
        P("hubspot_owner_id", "Lead owner", E, "select", LEAD, external_options=True),
        *system_properties(LEAD),
    ),
    groups=groups((LEAD, "Lead information", 0)),
    default_properties=("hs_lead_name",),
    created_property="hs_createdate",
    modified_property="hs_lastmodifieddate",
    query_properties=("hs_lead_name",),
    scopes=hubspot_scopes("leads"),
)

GOAL = "goal_target_information"
GOAL_TARGETS = ObjectType(
    type_id="0-74",
    name="goal_targets",
    singular="goal_target",
    label="GOAL_TARGET",
    properties=(
        P("hs_goal_name", "Goal name", S, "text", GOAL),
        P("hs_target_amount", "Target", N, "number", GOAL),
        P("hs_start_datetime", "Start date", D, "date", GOAL),
        P("hs_end_datetime", "End date", D, "date", GOAL),
        P("hs_goal_type", "Goal type", S, "text", GOAL),
        P("hs_assignee_user_id", "Assigned user", N, "number", GOAL),
        P("hs_assignee_team_id", "Assigned team", N, "number", GOAL),
        P("hs_group_correlation_uuid", "Goal family id", S, "text", GOAL, read_only=True),
        P("hs_goal_target_group_id", "Goal target group id", N, "number", GOAL, read_only=True),
        P("hs_created_by_user_id", "Created by user ID", N, "number", GOAL, read_only=True),
        *system_properties(GOAL),
    ),
    groups=groups((GOAL, "Goal target information", 0)),
    default_properties=(),
    created_property="hs_createdate",
    modified_property="hs_lastmodifieddate",
    query_properties=("hs_goal_name",),
    scopes=hubspot_scopes("goal_targets"),
)

FEEDBACK = "feedback_submission_information"
FEEDBACK_SUBMISSIONS = ObjectType(
    type_id="0-19",
    name="feedback_submissions",
    singular="feedback_submission",
    label="FEEDBACK_SUBMISSION",
    properties=(
        P("hs_survey_id", "Survey id", N, "number", FEEDBACK),
        P("hs_survey_name", "Survey name", S, "text", FEEDBACK),
        P(
            "hs_survey_type",
            "Survey type",
            E,
            "select",
            FEEDBACK,
            options=options(("NPS", "NPS"), ("CSAT", "CSAT"), ("CES", "CES"), ("CUSTOM", "Custom")),
        ),
        P("hs_survey_channel", "Survey channel", S, "text", FEEDBACK),
        P("hs_submission_name", "Submission name", S, "text", FEEDBACK),
        P("hs_submission_timestamp", "Submitted at", D, "date", FEEDBACK),
        P("hs_value", "Response value", N, "number", FEEDBACK),
        P("hs_content", "Response content", S, "textarea", FEEDBACK),
        P(
            "hs_sentiment",
            "Sentiment",
            E,
            "select",
            FEEDBACK,
            options=options(
                ("POSITIVE", "Positive"), ("NEUTRAL", "Neutral"), ("NEGATIVE", "Negative")
            ),
        ),
        P(
            "hs_response_group",
            "Response group",
            E,
            "select",
            FEEDBACK,
            options=options(
                ("PROMOTER", "Promoter"), ("PASSIVE", "Passive"), ("DETRACTOR", "Detractor")
            ),
        ),
        P("hs_contact_id", "Contact id", N, "number", FEEDBACK),
        P("hs_contact_email_rollup", "Contact email", S, "text", FEEDBACK),
        *system_properties(FEEDBACK),
    ),
    groups=groups((FEEDBACK, "Feedback submission information", 0)),
    # HubSpot's guide: hs_createdate, hs_lastmodifieddate and hs_object_id only.
    default_properties=(),
    created_property="hs_createdate",
    modified_property="hs_lastmodifieddate",
    query_properties=("hs_submission_name", "hs_content"),
    scopes=hubspot_scopes("feedback_submissions"),
)

#: Deal splits' type id: HubSpot publishes none (its type-id table has no deal split), so
#: Spoke names the type by its name; paths take ``deal_split`` (docs/behaviour.md).
DEAL_SPLIT_TYPE_ID = "deal_split"

SPLIT = "deal_split_information"
DEAL_SPLITS = ObjectType(
    type_id=DEAL_SPLIT_TYPE_ID,
    name="deal_split",
    singular="deal_split",
    label="DEAL_SPLIT",
    properties=(
        P("hs_deal_split_percentage", "Split percentage", N, "number", SPLIT),
        P("hubspot_owner_id", "Split owner", E, "select", SPLIT, external_options=True),
        P("hs_deal_id", "Deal ID", N, "number", SPLIT),
        *system_properties(SPLIT),
    ),
    groups=groups((SPLIT, "Deal split information", 0)),
    default_properties=("hs_deal_split_percentage", "hubspot_owner_id"),
    created_property="hs_createdate",
    modified_property="hs_lastmodifieddate",
    query_properties=(),
    scopes=hubspot_scopes("deal_split"),
)
