"""HubSpot's engagements (activities): calls 0-48, emails 0-49, meetings 0-47, notes 0-46,
tasks 0-27, communications 0-18 (SMS, WhatsApp and LinkedIn messages) and postal mail
0-116. They share a set of properties (group ``engagement``) and have their own (groups
``call``, ``email``, ``meeting``, ``note``, ``task``, ``communication``, ``postal_mail``).

Property names and option values follow HubSpot's engagement guides; default returned and
searchable properties its search guide; scopes its OpenAPI documents. docs/behaviour.md
("Standard object types") says where each came from and what was chosen where no source
was found (several labels and the group labels).
"""

from __future__ import annotations

from spoke.domain.object_types import ObjectScopes, ObjectType
from spoke.domain.properties import PropertyDefinition
from spoke.domain.standard_objects.building import (
    BOOL,
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

ENGAGEMENT = "engagement"
P, S, N, B, D, E = hubspot_property, STRING, NUMBER, BOOL, DATETIME, ENUMERATION


def _shared(timestamp_label: str, owner_label: str) -> tuple[PropertyDefinition, ...]:
    """The properties every engagement type has; tasks name two of them differently."""
    return (
        P("hs_timestamp", timestamp_label, D, "date", ENGAGEMENT),
        P("hubspot_owner_id", owner_label, E, "select", ENGAGEMENT, external_options=True),
        P(
            "hubspot_team_id",
            "HubSpot Team",
            E,
            "select",
            ENGAGEMENT,
            external_options=True,
            read_only=True,
        ),
        P("hs_body_preview", "Body preview", S, "text", ENGAGEMENT, read_only=True),
        P("hs_created_by_user_id", "Created by user ID", N, "number", ENGAGEMENT, read_only=True),
        *system_properties(ENGAGEMENT),
    )


#: Calls' and meetings' type, one of the types the portal's settings define.
_ACTIVITY_TYPE = P(
    "hs_activity_type", "Call and meeting type", E, "select", ENGAGEMENT, external_options=True
)


def _engagement(
    type_id: str,
    name: str,
    singular: str,
    *,
    own: tuple[PropertyDefinition, ...],
    query_properties: tuple[str, ...],
    scopes: ObjectScopes,
    shared: tuple[PropertyDefinition, ...] | None = None,
    group_label: str | None = None,
) -> ObjectType:
    return ObjectType(
        type_id=type_id,
        name=name,
        singular=singular,
        label=singular.upper(),
        properties=(
            shared if shared is not None else _shared("Activity date", "Activity assigned to")
        )
        + own,
        groups=groups(
            (ENGAGEMENT, "Engagement information", 0),
            (singular, group_label or f"{singular.capitalize()} information", 1),
        ),
        default_properties=(),
        created_property="hs_createdate",
        modified_property="hs_lastmodifieddate",
        query_properties=query_properties,
        scopes=scopes,
    )


CALL = "call"
CALLS = _engagement(
    "0-48",
    "calls",
    CALL,
    own=(
        _ACTIVITY_TYPE,
        P("hs_call_title", "Call Title", S, "text", CALL),
        P("hs_call_body", "Call notes", S, "html", CALL),
        P(
            "hs_call_direction",
            "Call direction",
            E,
            "select",
            CALL,
            options=options(("INBOUND", "Inbound"), ("OUTBOUND", "Outbound")),
        ),
        # The outcomes are the portal's; these are the ones every portal has.
        P(
            "hs_call_disposition",
            "Call outcome",
            E,
            "select",
            CALL,
            options=options(
                ("9d9162e7-6cf3-4944-bf63-4dff82258764", "Busy"),
                ("f240bbac-87c9-4f6e-bf70-924b57d47db7", "Connected"),
                ("a4c4c377-d246-4b32-a13b-75a56a4cd0ff", "Left live message"),
                ("b2cf5968-551e-4856-9783-52b3da59a7d0", "Left voicemail"),
                ("73a0d17f-1163-4015-bdd5-ec830791da20", "No answer"),
                ("17b47fee-58de-441e-a44c-c6300d46f273", "Wrong number"),
            ),
            external_options=True,
        ),
        P(
            "hs_call_status",
            "Call status",
            E,
            "select",
            CALL,
            options=options(
                ("BUSY", "Busy"),
                ("CALLING_CRM_USER", "Calling CRM User"),
                ("CANCELED", "Canceled"),
                ("COMPLETED", "Completed"),
                ("CONNECTING", "Connecting"),
                ("FAILED", "Failed"),
                ("IN_PROGRESS", "In Progress"),
                ("MISSED", "Missed"),
                ("NO_ANSWER", "No Answer"),
                ("QUEUED", "Queued"),
                ("RINGING", "Ringing"),
            ),
        ),
        P("hs_call_duration", "Call duration", N, "number", CALL),
        P("hs_call_from_number", "From number", S, "text", CALL),
        P("hs_call_to_number", "To Number", S, "text", CALL),
        P("hs_call_recording_url", "Recording URL", S, "text", CALL),
        P("hs_call_callee_object_id", "Callee object id", N, "number", CALL),
        P("hs_call_has_voicemail", "Has voicemail", B, "booleancheckbox", CALL, read_only=True),
    ),
    query_properties=("hs_call_title", "hs_body_preview"),
    scopes=hubspot_scopes("calls"),
)

EMAIL = "email"
EMAILS = _engagement(
    "0-49",
    "emails",
    EMAIL,
    own=(
        P("hs_email_subject", "Email subject", S, "text", EMAIL),
        P("hs_email_text", "Email text", S, "textarea", EMAIL),
        P("hs_email_html", "Email HTML", S, "html", EMAIL),
        P("hs_email_headers", "Email headers", S, "textarea", EMAIL),
        P(
            "hs_email_direction",
            "Email direction",
            E,
            "select",
            EMAIL,
            options=options(
                ("EMAIL", "Email"),
                ("INCOMING_EMAIL", "Incoming email"),
                ("FORWARDED_EMAIL", "Forwarded email"),
            ),
        ),
        P(
            "hs_email_status",
            "Email send status",
            E,
            "select",
            EMAIL,
            options=options(
                ("BOUNCED", "Bounced"),
                ("FAILED", "Failed"),
                ("SCHEDULED", "Scheduled"),
                ("SENDING", "Sending"),
                ("SENT", "Sent"),
            ),
        ),
        # Read-only: HubSpot derives them from hs_email_headers.
        P("hs_email_from_email", "From email", S, "text", EMAIL, read_only=True),
        P("hs_email_from_firstname", "From first name", S, "text", EMAIL, read_only=True),
        P("hs_email_from_lastname", "From last name", S, "text", EMAIL, read_only=True),
        P("hs_email_to_email", "To email", S, "text", EMAIL, read_only=True),
        P("hs_email_to_firstname", "To first name", S, "text", EMAIL, read_only=True),
        P("hs_email_to_lastname", "To last name", S, "text", EMAIL, read_only=True),
    ),
    query_properties=("hs_email_subject",),
    scopes=hubspot_scopes("emails"),
)

MEETING = "meeting"
MEETINGS = _engagement(
    "0-47",
    "meetings",
    MEETING,
    own=(
        _ACTIVITY_TYPE,
        P("hs_meeting_title", "Meeting name", S, "text", MEETING),
        P("hs_meeting_body", "Meeting description", S, "html", MEETING),
        P("hs_internal_meeting_notes", "Internal meeting notes", S, "html", MEETING),
        P("hs_meeting_external_url", "External URL", S, "text", MEETING),
        P("hs_meeting_location", "Location", S, "text", MEETING),
        P("hs_meeting_start_time", "Start time", D, "date", MEETING),
        P("hs_meeting_end_time", "End time", D, "date", MEETING),
        P(
            "hs_meeting_outcome",
            "Meeting outcome",
            E,
            "select",
            MEETING,
            options=options(
                ("SCHEDULED", "Scheduled"),
                ("COMPLETED", "Completed"),
                ("RESCHEDULED", "Rescheduled"),
                ("NO_SHOW", "No Show"),
                ("CANCELED", "Canceled"),
            ),
        ),
    ),
    query_properties=("hs_meeting_title", "hs_meeting_body"),
    scopes=hubspot_scopes("meetings"),
)

NOTE = "note"
NOTES = _engagement(
    "0-46",
    "notes",
    NOTE,
    own=(P("hs_note_body", "Note body", S, "html", NOTE),),
    query_properties=("hs_note_body",),
    scopes=hubspot_scopes("notes"),
)

TASK = "task"
TASKS = _engagement(
    "0-27",
    "tasks",
    TASK,
    own=(
        P("hs_task_subject", "Task Title", S, "text", TASK),
        P("hs_task_body", "Notes", S, "html", TASK),
        P(
            "hs_task_status",
            "Task Status",
            E,
            "select",
            TASK,
            options=options(
                ("COMPLETED", "Completed"),
                ("DEFERRED", "Deferred"),
                ("IN_PROGRESS", "In Progress"),
                ("NOT_STARTED", "Not Started"),
                ("WAITING", "Waiting"),
            ),
        ),
        P(
            "hs_task_priority",
            "Priority",
            E,
            "select",
            TASK,
            options=options(
                ("NONE", "None"), ("LOW", "Low"), ("MEDIUM", "Medium"), ("HIGH", "High")
            ),
        ),
        P(
            "hs_task_type",
            "Task Type",
            E,
            "select",
            TASK,
            options=options(
                ("CALL", "Call"),
                ("EMAIL", "Email"),
                ("LINKED_IN", "LinkedIn"),
                ("MEETING", "Meeting"),
                ("LINKED_IN_CONNECT", "Sales Navigator - Connection Request"),
                ("LINKED_IN_MESSAGE", "Sales Navigator - InMail"),
                ("TODO", "To Do"),
            ),
        ),
    ),
    query_properties=("hs_task_body", "hs_task_subject"),
    scopes=hubspot_scopes("tasks"),
    shared=_shared("Due date", "Assigned to"),
)

COMMUNICATION = "communication"
COMMUNICATIONS = _engagement(
    "0-18",
    "communications",
    COMMUNICATION,
    own=(
        P(
            "hs_communication_channel_type",
            "Channel type",
            E,
            "select",
            COMMUNICATION,
            options=options(
                ("SMS", "SMS"), ("WHATS_APP", "WhatsApp"), ("LINKEDIN_MESSAGE", "LinkedIn")
            ),
        ),
        P(
            "hs_communication_logged_from",
            "Logged from",
            E,
            "select",
            COMMUNICATION,
            options=options(("CRM", "CRM")),
        ),
        P("hs_communication_body", "Body", S, "html", COMMUNICATION),
    ),
    query_properties=("hs_communication_body", "hs_body_preview"),
    scopes=hubspot_scopes("communications"),
)

POSTAL_MAIL = "postal_mail"
POSTAL_MAILS = _engagement(
    "0-116",
    "postal_mail",
    POSTAL_MAIL,
    own=(P("hs_postal_mail_body", "Postal mail body", S, "html", POSTAL_MAIL),),
    query_properties=("hs_postal_mail_body", "hs_body_preview"),
    scopes=hubspot_scopes("postal_mail"),
    group_label="Postal mail information",
)
