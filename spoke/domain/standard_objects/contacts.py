"""HubSpot's contacts (object type 0-1): standard properties, groups and defaults.

Names, labels, types and field types follow a dump of the HubSpot-defined contact
properties of a real portal; options, groups, defaults and scopes follow HubSpot's
documentation and OpenAPI documents where they give them. docs/behaviour.md ("Standard
object types") says where each came from and what was chosen where no source was found.
"""

from __future__ import annotations

from spoke.domain.object_types import ObjectType
from spoke.domain.standard_objects.building import (
    BOOL,
    DATETIME,
    ENUMERATION,
    NUMBER,
    STRING,
    crm_object_scopes,
    groups,
    hubspot_property,
    options,
)

#: The lifecycle stages every portal starts with (contacts' and companies' ``lifecyclestage``).
LIFECYCLE_STAGES = options(
    ("subscriber", "Subscriber"),
    ("lead", "Lead"),
    ("marketingqualifiedlead", "Marketing Qualified Lead"),
    ("salesqualifiedlead", "Sales Qualified Lead"),
    ("opportunity", "Opportunity"),
    ("customer", "Customer"),
    ("evangelist", "Evangelist"),
    ("other", "Other"),
)

#: The lead statuses every portal starts with (contacts' and companies' ``hs_lead_status``).
LEAD_STATUSES = options(
    ("NEW", "New"),
    ("OPEN", "Open"),
    ("IN_PROGRESS", "In Progress"),
    ("OPEN_DEAL", "Open Deal"),
    ("UNQUALIFIED", "Unqualified"),
    ("ATTEMPTED_TO_CONTACT", "Attempted to Contact"),
    ("CONNECTED", "Connected"),
    ("BAD_TIMING", "Bad Timing"),
)

#: HubSpot's description of ``hs_object_id``, the same on every object type.
RECORD_ID_DESCRIPTION = (
    "The unique ID for this record. This value is automatically set by HubSpot and may not "
    "be modified."
)

INFO, SALES, EMAIL = "contactinformation", "sales_properties", "emailinformation"
ANALYTICS, CONVERSION, SOCIAL = (
    "analyticsinformation",
    "conversioninformation",
    "socialmediainformation",
)
P, S, N, B, D, E = hubspot_property, STRING, NUMBER, BOOL, DATETIME, ENUMERATION

CONTACTS = ObjectType(
    type_id="0-1",
    name="contacts",
    singular="contact",
    label="CONTACT",
    properties=(
        # Contact information
        P("email", "Email", S, "text", INFO),
        P("firstname", "First Name", S, "text", INFO),
        P("lastname", "Last Name", S, "text", INFO),
        P("salutation", "Salutation", S, "text", INFO),
        P("phone", "Phone Number", S, "phonenumber", INFO),
        P("mobilephone", "Mobile Phone Number", S, "phonenumber", INFO),
        P("fax", "Fax Number", S, "phonenumber", INFO),
        P("company", "Company Name", S, "text", INFO),
        P("website", "Website URL", S, "text", INFO),
        P("jobtitle", "Job Title", S, "text", INFO),
        P("industry", "Industry", S, "text", INFO),
        P("annualrevenue", "Annual Revenue", S, "text", INFO),
        P("address", "Street Address", S, "text", INFO),
        P("city", "City", S, "text", INFO),
        P("state", "State/Region", S, "text", INFO),
        P("zip", "Postal Code", S, "text", INFO),
        P("country", "Country/Region", S, "text", INFO),
        P("lifecyclestage", "Lifecycle Stage", E, "radio", INFO, options=LIFECYCLE_STAGES),
        P("hs_additional_emails", "Additional email addresses", E, "select", INFO, read_only=True),
        P("hs_email_domain", "Email Domain", S, "text", INFO, read_only=True),
        P(
            "hs_marketable_until_renewal",
            "Marketing contact until next update",
            E,
            "booleancheckbox",
            INFO,
            options=options(("true", "Marketing contact"), ("false", "Non-marketing contact")),
            read_only=True,
        ),
        P("createdate", "Create Date", D, "date", INFO),
        P("lastmodifieddate", "Last Modified Date", D, "date", INFO, read_only=True),
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
        P("hs_merged_object_ids", "Merged Contact IDs", E, "checkbox", INFO, read_only=True),
        # Sales properties
        P(
            "hs_lead_status",
            "Lead Status",
            E,
            "radio",
            SALES,
            options=LEAD_STATUSES,
            description="The contact's sales, prospecting or outreach status",
        ),
        P("hubspot_owner_id", "Contact owner", E, "select", SALES, external_options=True),
        P("hubspot_owner_assigneddate", "Owner assigned date", D, "date", SALES, read_only=True),
        P(
            "hubspot_team_id",
            "HubSpot Team",
            E,
            "select",
            SALES,
            external_options=True,
            read_only=True,
        ),
        P("notes_last_updated", "Last Activity Date", D, "date", SALES, read_only=True),
        P("notes_last_contacted", "Last Contacted", D, "date", SALES, read_only=True),
        P("notes_next_activity_date", "Next Activity Date", D, "date", SALES, read_only=True),
        P("num_contacted_notes", "Number of times contacted", N, "number", SALES, read_only=True),
        P("num_notes", "Number of Sales Activities", N, "number", SALES, read_only=True),
        P(
            "hs_last_sales_activity_timestamp",
            "Last Engagement Date",
            D,
            "date",
            SALES,
            read_only=True,
        ),
        P(
            "num_associated_deals",
            "Number of Associated Deals",
            N,
            "number",
            SALES,
            read_only=True,
        ),
        P("first_deal_created_date", "First Deal Created Date", D, "date", SALES, read_only=True),
        P("recent_deal_amount", "Recent Deal Amount", N, "number", SALES, read_only=True),
        P("recent_deal_close_date", "Recent Deal Close Date", D, "date", SALES, read_only=True),
        P("total_revenue", "Total Revenue", N, "number", SALES, read_only=True),
        # Email information
        P(
            "hs_email_optout",
            "Unsubscribed from all email",
            B,
            "booleancheckbox",
            EMAIL,
            read_only=True,
        ),
        P(
            "hs_email_bad_address",
            "Invalid email address",
            B,
            "booleancheckbox",
            EMAIL,
            read_only=True,
        ),
        P("hs_email_bounce", "Marketing emails bounced", N, "number", EMAIL, read_only=True),
        P("hs_email_click", "Marketing emails clicked", N, "number", EMAIL, read_only=True),
        P("hs_email_delivered", "Marketing emails delivered", N, "number", EMAIL, read_only=True),
        P("hs_email_open", "Marketing emails opened", N, "number", EMAIL, read_only=True),
        P(
            "hs_email_last_send_date",
            "Last marketing email send date",
            D,
            "date",
            EMAIL,
            read_only=True,
        ),
        # Web analytics history
        P(
            "hs_analytics_num_page_views",
            "Number of Pageviews",
            N,
            "number",
            ANALYTICS,
            read_only=True,
        ),
        P("hs_analytics_num_visits", "Number of Sessions", N, "number", ANALYTICS, read_only=True),
        P(
            "hs_analytics_first_timestamp",
            "Time First Seen",
            D,
            "date",
            ANALYTICS,
            read_only=True,
        ),
        P("hs_analytics_last_timestamp", "Time Last Seen", D, "date", ANALYTICS, read_only=True),
        P("hs_analytics_first_url", "First Page Seen", S, "text", ANALYTICS, read_only=True),
        P("hs_analytics_last_url", "Last Page Seen", S, "text", ANALYTICS, read_only=True),
        P(
            "hs_analytics_source_data_1",
            "Original Traffic Source Drill-Down 1",
            S,
            "text",
            ANALYTICS,
            read_only=True,
        ),
        P(
            "hs_analytics_source_data_2",
            "Original Traffic Source Drill-Down 2",
            S,
            "text",
            ANALYTICS,
            read_only=True,
        ),
        # Conversion information
        P(
            "num_conversion_events",
            "Number of Form Submissions",
            N,
            "number",
            CONVERSION,
            read_only=True,
        ),
        P(
            "num_unique_conversion_events",
            "Number of Unique Forms Submitted",
            N,
            "number",
            CONVERSION,
            read_only=True,
        ),
        P(
            "first_conversion_event_name",
            "First Conversion",
            S,
            "text",
            CONVERSION,
            read_only=True,
        ),
        P("first_conversion_date", "First Conversion Date", D, "date", CONVERSION, read_only=True),
        P(
            "recent_conversion_event_name",
            "Recent Conversion",
            S,
            "text",
            CONVERSION,
            read_only=True,
        ),
        P(
            "recent_conversion_date",
            "Recent Conversion Date",
            D,
            "date",
            CONVERSION,
            read_only=True,
        ),
        # Social media information
        P("twitterhandle", "Twitter Username", S, "text", SOCIAL),
        P("linkedinbio", "LinkedIn Bio", S, "text", SOCIAL),
    ),
    groups=groups(
        (INFO, "Contact information", 0),
        (EMAIL, "Email information", 1),
        (SALES, "Sales properties", 2),
        (CONVERSION, "Conversion information", 3),
        (ANALYTICS, "Web analytics history", 4),
        (SOCIAL, "Social media information", 5),
    ),
    default_properties=("email", "firstname", "lastname"),
    created_property="createdate",
    modified_property="lastmodifieddate",
    query_properties=(
        "firstname",
        "lastname",
        "email",
        "phone",
        "hs_additional_emails",
        "fax",
        "mobilephone",
        "company",
        "hs_marketable_until_renewal",
    ),
    scopes=crm_object_scopes("contacts"),
    lookup_properties=("email",),
)
