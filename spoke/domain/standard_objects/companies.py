"""HubSpot's companies (object type 0-2): standard properties, groups and defaults.

Names, labels, types and field types follow a dump of the HubSpot-defined company
properties of a real portal; the rest as for contacts (docs/behaviour.md, "Standard
object types").
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
from spoke.domain.standard_objects.contacts import LEAD_STATUSES, LIFECYCLE_STAGES

INFO, ANALYTICS, SOCIAL = "companyinformation", "analyticsinformation", "socialmediainformation"
P, S, N, B, D, E = hubspot_property, STRING, NUMBER, BOOL, DATETIME, ENUMERATION

COMPANIES = ObjectType(
    type_id="0-2",
    name="companies",
    singular="company",
    label="COMPANY",
    properties=(
        # Company information
        P("name", "Company name", S, "text", INFO),
        P("domain", "Company Domain Name", S, "text", INFO),
        P("website", "Website URL", S, "text", INFO),
        P("phone", "Phone Number", S, "phonenumber", INFO),
        P("address", "Street Address", S, "text", INFO),
        P("address2", "Street Address 2", S, "text", INFO),
        P("city", "City", S, "text", INFO),
        P("state", "State/Region", S, "text", INFO),
        P("zip", "Postal Code", S, "text", INFO),
        P("country", "Country/Region", S, "text", INFO),
        P("timezone", "Time Zone", S, "text", INFO),
        P("description", "Description", S, "textarea", INFO),
        P("about_us", "About Us", S, "text", INFO),
        P("founded_year", "Year Founded", S, "text", INFO),
        P("is_public", "Is Public", B, "booleancheckbox", INFO),
        P("numberofemployees", "Number of Employees", N, "number", INFO),
        P("annualrevenue", "Annual Revenue", N, "number", INFO),
        P("total_money_raised", "Total Money Raised", S, "text", INFO),
        P(
            "type",
            "Type",
            E,
            "radio",
            INFO,
            options=options(
                ("PROSPECT", "Prospect"),
                ("PARTNER", "Partner"),
                ("RESELLER", "Reseller"),
                ("VENDOR", "Vendor"),
                ("OTHER", "Other"),
            ),
        ),
        P("lifecyclestage", "Lifecycle Stage", E, "radio", INFO, options=LIFECYCLE_STAGES),
        P("hs_lead_status", "Lead Status", E, "radio", INFO, options=LEAD_STATUSES),
        P("hubspot_owner_id", "Company owner", E, "select", INFO, external_options=True),
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
        P("hs_merged_object_ids", "Merged Company IDs", E, "checkbox", INFO, read_only=True),
        P("hs_parent_company_id", "Parent Company", N, "number", INFO, read_only=True),
        P("hs_num_child_companies", "Number of child companies", N, "number", INFO, read_only=True),
        P(
            "num_associated_contacts",
            "Number of Associated Contacts",
            N,
            "number",
            INFO,
            read_only=True,
        ),
        P("num_associated_deals", "Number of Associated Deals", N, "number", INFO, read_only=True),
        P("notes_last_updated", "Last Activity Date", D, "date", INFO, read_only=True),
        P("notes_last_contacted", "Last Contacted", D, "date", INFO, read_only=True),
        P("notes_next_activity_date", "Next Activity Date", D, "date", INFO, read_only=True),
        P("num_contacted_notes", "Number of times contacted", N, "number", INFO, read_only=True),
        P("num_notes", "Number of Sales Activities", N, "number", INFO, read_only=True),
        P("first_contact_createdate", "First Contact Create Date", D, "date", INFO, read_only=True),
        P("recent_deal_amount", "Recent Deal Amount", N, "number", INFO, read_only=True),
        P("recent_deal_close_date", "Recent Deal Close Date", D, "date", INFO, read_only=True),
        # Social media information
        P("linkedin_company_page", "LinkedIn Company Page", S, "text", SOCIAL),
        P("linkedinbio", "LinkedIn Bio", S, "text", SOCIAL),
        P("facebook_company_page", "Facebook Company Page", S, "text", SOCIAL),
        P("twitterhandle", "Twitter Handle", S, "text", SOCIAL),
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
    ),
    groups=groups(
        (INFO, "Company information", 0),
        (SOCIAL, "Social media information", 1),
        (ANALYTICS, "Web analytics history", 2),
    ),
    default_properties=("domain", "name"),
    created_property="createdate",
    modified_property="hs_lastmodifieddate",
    query_properties=("website", "phone", "name", "domain"),
    scopes=hubspot_scopes("companies"),
)
