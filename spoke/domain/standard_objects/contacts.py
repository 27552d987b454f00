"""HubSpot's contacts (object type 0-1): standard properties, groups and defaults.

Names, labels, types and field types follow a recent list of the HubSpot-defined contact
properties of a real portal; groups, descriptions and options an older full dump of a
portal's contact property definitions; defaults and scopes HubSpot's documentation and
OpenAPI documents. docs/behaviour.md ("Standard
object types") says where each came from and what was chosen where no source was found.
"""

from __future__ import annotations

from spoke.domain.object_types import ObjectType
from spoke.domain.standard_objects.building import (
    BOOL,
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

INFO, EMAIL, ANALYTICS = "contactinformation", "emailinformation", "analyticsinformation"
CONVERSION, SALES = "conversioninformation", "sales_properties"
P, S, N, B, D, E = hubspot_property, STRING, NUMBER, BOOL, DATETIME, ENUMERATION

#: How HubSpot describes the properties it sets from a contact's activity.
_SET_FROM_ACTIVITY = (
    "This is set automatically by HubSpot based on user actions in the contact record."
)

CONTACTS = ObjectType(
    type_id="0-1",
    name="contacts",
    singular="contact",
    label="CONTACT",
    properties=(
        # Contact information
        P("email", "Email", S, "text", INFO, description="A contact's email address"),
        P("firstname", "First Name", S, "text", INFO, description="A contact's first name"),
        P("lastname", "Last Name", S, "text", INFO, description="A contact's last name"),
        P(
            "salutation",
            "Salutation",
            S,
            "text",
            INFO,
            description="The title used to address a contact",
        ),
        P(
            "phone",
            "Phone Number",
            S,
            "phonenumber",
            INFO,
            description="A contact's primary phone number",
        ),
        P(
            "mobilephone",
            "Mobile Phone Number",
            S,
            "phonenumber",
            INFO,
            description="A contact's mobile phone number",
        ),
        P(
            "fax",
            "Fax Number",
            S,
            "phonenumber",
            INFO,
            description="A contact's primary fax number",
        ),
        P(
            "company",
            "Company Name",
            S,
            "text",
            INFO,
            description=(
                "The name of the contact's company. This is separate from the Name property "
                "of the contact's associated company and can be set independently."
            ),
        ),
        P("website", "Website URL", S, "text", INFO, description="The contact's company website"),
        P("jobtitle", "Job Title", S, "text", INFO, description="A contact's job title"),
        P("industry", "Industry", S, "text", INFO, description="The industry a contact is in"),
        P("annualrevenue", "Annual Revenue", S, "text", INFO, description="Annual company revenue"),
        P(
            "numemployees",
            "Number of Employees",
            E,
            "select",
            INFO,
            options=options(
                ("1-5", "1-5"),
                ("5-25", "5-25"),
                ("25-50", "25-50"),
                ("50-100", "50-100"),
                ("100-500", "100-500"),
                ("500-1000", "500-1000"),
                ("1000+", "1000+"),
            ),
            description="The number of company employees",
        ),
        P(
            "address",
            "Street Address",
            S,
            "text",
            INFO,
            description="A contact's street address, including apartment or unit #",
        ),
        P("city", "City", S, "text", INFO, description="A contact's city of residence"),
        P(
            "state",
            "State/Region",
            S,
            "text",
            INFO,
            description=(
                "The contact's state of residence. This might be set via import, form, or "
                "integration."
            ),
        ),
        P(
            "zip",
            "Postal Code",
            S,
            "text",
            INFO,
            description=(
                "The contact's zip code. This might be set via import, form, or integration."
            ),
        ),
        P(
            "country",
            "Country/Region",
            S,
            "text",
            INFO,
            description=(
                "The contact's country/region of residence. This might be set via import, form, "
                "or integration."
            ),
        ),
        P(
            "message",
            "Message",
            S,
            "textarea",
            INFO,
            description=(
                "A default property to be used for any message or comments a contact may want "
                "to leave on a form."
            ),
        ),
        P(
            "twitterhandle",
            "Twitter Username",
            S,
            "text",
            INFO,
            description=(
                "The contact's Twitter handle. This is set by HubSpot using the contact's email "
                "address."
            ),
        ),
        P(
            "lifecyclestage",
            "Lifecycle Stage",
            E,
            "radio",
            INFO,
            options=LIFECYCLE_STAGES,
            description=(
                "The qualification of contacts to sales readiness. It can be set through "
                "imports, forms, workflows, and manually on a per contact basis."
            ),
        ),
        P(
            "hubspot_owner_id",
            "Contact owner",
            E,
            "select",
            INFO,
            external_options=True,
            description=(
                "The owner of a contact. This can be any HubSpot user or Salesforce integration "
                "user, and can be set manually or via Workflows."
            ),
        ),
        P(
            "hubspot_owner_assigneddate",
            "Owner assigned date",
            D,
            "date",
            INFO,
            read_only=True,
            description=(
                "The most recent date a HubSpot Owner was assigned to a contact. This is set "
                "automatically by HubSpot and can be used for segmentation and reporting."
            ),
        ),
        P(
            "hubspot_team_id",
            "HubSpot Team",
            E,
            "select",
            INFO,
            external_options=True,
            read_only=True,
            description="The team of the owner of a contact.",
        ),
        P(
            "hs_additional_emails",
            "Additional email addresses",
            E,
            "select",
            INFO,
            read_only=True,
            description="A set of additional email addresses for a contact",
        ),
        P(
            "hs_email_domain",
            "Email Domain",
            S,
            "text",
            INFO,
            read_only=True,
            description="A contact's email address domain",
        ),
        P(
            "hs_marketable_until_renewal",
            "Marketing contact until next update",
            E,
            "booleancheckbox",
            INFO,
            options=options(("true", "Marketing contact"), ("false", "Non-marketing contact")),
            read_only=True,
        ),
        P(
            "notes_last_updated",
            "Last Activity Date",
            D,
            "date",
            INFO,
            read_only=True,
            description=(
                "The last time a note, call, email, meeting, or task was logged for a contact. "
                + _SET_FROM_ACTIVITY
            ),
        ),
        P(
            "notes_last_contacted",
            "Last Contacted",
            D,
            "date",
            INFO,
            read_only=True,
            description=(
                "The last time a call, email, or meeting was logged for a contact. "
                + _SET_FROM_ACTIVITY
            ),
        ),
        P(
            "notes_next_activity_date",
            "Next Activity Date",
            D,
            "date",
            INFO,
            read_only=True,
            description=(
                "The date of the next upcoming activity for a contact. " + _SET_FROM_ACTIVITY
            ),
        ),
        P(
            "num_contacted_notes",
            "Number of times contacted",
            N,
            "number",
            INFO,
            read_only=True,
            description=(
                "The number of times a call, email, or meeting was logged for a contact. "
                + _SET_FROM_ACTIVITY
            ),
        ),
        P(
            "num_notes",
            "Number of Sales Activities",
            N,
            "number",
            INFO,
            read_only=True,
            description="The number of sales activities for a contact. " + _SET_FROM_ACTIVITY,
        ),
        P(
            "num_associated_deals",
            "Number of Associated Deals",
            N,
            "number",
            INFO,
            read_only=True,
            description=(
                "The number of deals associated with this contact. This is set automatically by "
                "HubSpot."
            ),
        ),
        P(
            "first_deal_created_date",
            "First Deal Created Date",
            D,
            "date",
            INFO,
            read_only=True,
            description=(
                "The date the first deal for a contact was created. This is automatically set by "
                "HubSpot and can be used for segmentation and reporting."
            ),
        ),
        P(
            "recent_deal_amount",
            "Recent Deal Amount",
            N,
            "number",
            INFO,
            read_only=True,
            description=(
                "The amount of the last closed won deal associated with a contact. This is set "
                "automatically by HubSpot based on information from the Deals object."
            ),
        ),
        P(
            "recent_deal_close_date",
            "Recent Deal Close Date",
            D,
            "date",
            INFO,
            read_only=True,
            description=(
                "The date that the last deal associated with a contact was won. This is "
                "automatically set by HubSpot based on information from the Deals object."
            ),
        ),
        P(
            "total_revenue",
            "Total Revenue",
            N,
            "number",
            INFO,
            read_only=True,
            description=(
                "The sum from all closed won deal revenue associated with a contact. This is "
                "automatically set by HubSpot and can be used for segmentation and reporting."
            ),
        ),
        P(
            "createdate",
            "Create Date",
            D,
            "date",
            INFO,
            description="The date that a contact entered the system",
        ),
        P(
            "lastmodifieddate",
            "Last Modified Date",
            D,
            "date",
            INFO,
            read_only=True,
            description="The date any property on this contact was modified",
        ),
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
        P(
            "hs_merged_object_ids",
            "Merged Contact IDs",
            E,
            "checkbox",
            INFO,
            read_only=True,
            description=(
                "The list of object IDs that have been merged into this object. This value is "
                "automatically set by HubSpot and may not be modified."
            ),
        ),
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
        # Email information
        P(
            "hs_email_optout",
            "Unsubscribed from all email",
            B,
            "booleancheckbox",
            EMAIL,
            read_only=True,
            description="Indicates that the current email address has opted out of all email.",
        ),
        P(
            "hs_email_bounce",
            "Marketing emails bounced",
            N,
            "number",
            EMAIL,
            read_only=True,
            description=(
                "The number of marketing emails that bounced for the current email address. "
                "This is automatically set by HubSpot."
            ),
        ),
        P(
            "hs_email_click",
            "Marketing emails clicked",
            N,
            "number",
            EMAIL,
            read_only=True,
            description=(
                "The number of marketing emails which have had link clicks for the current email "
                "address. This is automatically set by HubSpot."
            ),
        ),
        P(
            "hs_email_delivered",
            "Marketing emails delivered",
            N,
            "number",
            EMAIL,
            read_only=True,
            description=(
                "The number of marketing emails delivered for the current email address. This "
                "is automatically set by HubSpot."
            ),
        ),
        P(
            "hs_email_open",
            "Marketing emails opened",
            N,
            "number",
            EMAIL,
            read_only=True,
            description=(
                "The number of marketing emails opened for the current email address. This is "
                "automatically set by HubSpot."
            ),
        ),
        P(
            "hs_email_last_send_date",
            "Last marketing email send date",
            D,
            "date",
            EMAIL,
            read_only=True,
            description=(
                "The date of the most recent delivery for any marketing email to the current "
                "email address. This is automatically set by HubSpot."
            ),
        ),
        # Web analytics history
        P(
            "hs_analytics_source",
            "Original Traffic Source",
            E,
            "select",
            ANALYTICS,
            options=options(
                ("ORGANIC_SEARCH", "Organic Search"),
                ("PAID_SEARCH", "Paid Search"),
                ("EMAIL_MARKETING", "Email Marketing"),
                ("SOCIAL_MEDIA", "Social Media"),
                ("REFERRALS", "Referrals"),
                ("OTHER_CAMPAIGNS", "Other Campaigns"),
                ("DIRECT_TRAFFIC", "Direct Traffic"),
                ("OFFLINE", "Offline Sources"),
                ("PAID_SOCIAL", "Paid Social"),
            ),
            description=(
                "The first known source through which a contact found your website. Source is "
                "automatically set by HubSpot, but may be updated manually."
            ),
        ),
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
            "hs_analytics_first_referrer",
            "First Referring Site",
            S,
            "text",
            ANALYTICS,
            read_only=True,
        ),
        P(
            "hs_analytics_last_referrer",
            "Last Referring Site",
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
            description="The number of forms this contact has submitted",
        ),
        P(
            "num_unique_conversion_events",
            "Number of Unique Forms Submitted",
            N,
            "number",
            CONVERSION,
            read_only=True,
            description="The number of different forms this contact has submitted",
        ),
        P(
            "first_conversion_event_name",
            "First Conversion",
            S,
            "text",
            CONVERSION,
            read_only=True,
            description="The first form this contact submitted",
        ),
        P(
            "first_conversion_date",
            "First Conversion Date",
            D,
            "date",
            CONVERSION,
            read_only=True,
            description="The date this contact first submitted a form",
        ),
        P(
            "recent_conversion_event_name",
            "Recent Conversion",
            S,
            "text",
            CONVERSION,
            read_only=True,
            description="The last form this contact submitted",
        ),
        P(
            "recent_conversion_date",
            "Recent Conversion Date",
            D,
            "date",
            CONVERSION,
            read_only=True,
            description="The date this contact last submitted a form",
        ),
        P("ip_city", "IP City", S, "text", CONVERSION, read_only=True),
        P("ip_country", "IP Country", S, "text", CONVERSION, read_only=True),
    ),
    groups=groups(
        (INFO, "Contact information", 0),
        (EMAIL, "Email information", 1),
        (ANALYTICS, "Web analytics history", 2),
        (CONVERSION, "Conversion information", 3),
        (SALES, "Sales properties", 4),
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
    scopes=hubspot_scopes("contacts"),
    lookup_properties=("email",),
)
