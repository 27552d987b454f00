"""HubSpot's commerce objects: products 0-7, line items 0-8 and quotes 0-14.

Property names and option values follow HubSpot's products, line items and quotes guides
(developers.hubspot.com/docs/api/crm/products, .../line-items, .../quotes); default
returned properties their object guides. docs/behaviour.md ("Standard object types")
says where each came from and what was chosen where no source was found.
"""

from __future__ import annotations

from spoke.domain.object_types import ObjectType
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

P, S, N, B, D, E = hubspot_property, STRING, NUMBER, BOOL, DATETIME, ENUMERATION

#: HubSpot's recurring billing frequencies (products and line items).
_FREQUENCIES = options(
    ("weekly", "Weekly"),
    ("biweekly", "Biweekly"),
    ("monthly", "Monthly"),
    ("quarterly", "Quarterly"),
    ("per_six_months", "Every six months"),
    ("annually", "Annually"),
    ("per_two_years", "Every two years"),
    ("per_three_years", "Every three years"),
    ("per_four_years", "Every four years"),
    ("per_five_years", "Every five years"),
)

PRODUCT = "productinformation"
PRODUCTS = ObjectType(
    type_id="0-7",
    name="products",
    singular="product",
    label="PRODUCT",
    properties=(
        P("name", "Name", S, "text", PRODUCT),
        P("description", "Description", S, "textarea", PRODUCT),
        P("price", "Unit price", N, "number", PRODUCT),
        P("hs_sku", "SKU", S, "text", PRODUCT),
        P("hs_cost_of_goods_sold", "Unit cost", N, "number", PRODUCT),
        P(
            "hs_product_type",
            "Product type",
            E,
            "select",
            PRODUCT,
            options=options(
                ("inventory", "Inventory"),
                ("non_inventory", "Non-inventory"),
                ("service", "Service"),
            ),
        ),
        P(
            "recurringbillingfrequency",
            "Billing frequency",
            E,
            "select",
            PRODUCT,
            options=_FREQUENCIES,
        ),
        P("hs_recurring_billing_period", "Term", S, "text", PRODUCT),
        P("hs_url", "URL", S, "text", PRODUCT),
        P("hs_folder_id", "Folder", N, "number", PRODUCT),
        *system_properties(PRODUCT, createdate=True),
    ),
    groups=groups((PRODUCT, "Product information", 0)),
    default_properties=("name", "description", "price"),
    created_property="createdate",
    modified_property="hs_lastmodifieddate",
    query_properties=("name", "description", "hs_sku"),
    scopes=hubspot_scopes("products"),
)

LINE_ITEM = "lineiteminformation"
LINE_ITEMS = ObjectType(
    type_id="0-8",
    name="line_items",
    singular="line_item",
    label="LINE_ITEM",
    properties=(
        P("name", "Name", S, "text", LINE_ITEM),
        P("description", "Description", S, "textarea", LINE_ITEM),
        P("hs_product_id", "Product ID", N, "number", LINE_ITEM),
        P("quantity", "Quantity", N, "number", LINE_ITEM),
        P("price", "Unit price", N, "number", LINE_ITEM),
        # HubSpot computes the net price from quantity, price and discounts.
        P("amount", "Net price", N, "number", LINE_ITEM, read_only=True),
        P("discount", "Unit discount", N, "number", LINE_ITEM),
        P("hs_discount_percentage", "Discount percentage", N, "number", LINE_ITEM),
        P("hs_sku", "SKU", S, "text", LINE_ITEM),
        P("hs_cost_of_goods_sold", "Unit cost", N, "number", LINE_ITEM),
        P("hs_line_item_currency_code", "Currency", S, "text", LINE_ITEM),
        P(
            "recurringbillingfrequency",
            "Billing frequency",
            E,
            "select",
            LINE_ITEM,
            options=_FREQUENCIES,
        ),
        P("hs_recurring_billing_period", "Term", S, "text", LINE_ITEM),
        P("hs_recurring_billing_start_date", "Billing start date", D, "date", LINE_ITEM),
        P("hs_position_on_quote", "Position on quote", N, "number", LINE_ITEM),
        *system_properties(LINE_ITEM, createdate=True),
    ),
    groups=groups((LINE_ITEM, "Line item information", 0)),
    default_properties=("name", "price", "quantity", "amount"),
    created_property="createdate",
    modified_property="hs_lastmodifieddate",
    query_properties=("name", "description", "hs_sku"),
    scopes=hubspot_scopes("line_items"),
)

QUOTE = "quoteinformation"
QUOTES = ObjectType(
    type_id="0-14",
    name="quotes",
    singular="quote",
    label="QUOTE",
    properties=(
        P("hs_title", "Quote name", S, "text", QUOTE),
        P("hs_expiration_date", "Expiration date", D, "date", QUOTE),
        P(
            "hs_status",
            "Quote approval status",
            E,
            "select",
            QUOTE,
            options=options(
                ("DRAFT", "Draft"),
                ("APPROVAL_NOT_NEEDED", "Approval not needed"),
                ("PENDING_APPROVAL", "Pending approval"),
                ("APPROVED", "Approved"),
                ("REJECTED", "Rejected"),
            ),
        ),
        P("hs_language", "Language", S, "text", QUOTE),
        P("hs_locale", "Locale", S, "text", QUOTE),
        P("hs_currency", "Currency", S, "text", QUOTE),
        P("hs_quote_amount", "Quote amount", N, "number", QUOTE, read_only=True),
        P("hs_domain", "Domain", S, "text", QUOTE),
        P("hs_slug", "Slug", S, "text", QUOTE),
        P("hs_public_url_key", "Public URL key", S, "text", QUOTE, read_only=True),
        P("hs_sender_firstname", "Sender first name", S, "text", QUOTE),
        P("hs_sender_lastname", "Sender last name", S, "text", QUOTE),
        P("hs_sender_email", "Sender email", S, "text", QUOTE),
        P("hs_sender_company_name", "Sender company name", S, "text", QUOTE),
        P("hs_esign_enabled", "E-signature enabled", B, "booleancheckbox", QUOTE),
        P("hs_comments", "Comments", S, "textarea", QUOTE),
        P("hubspot_owner_id", "Quote owner", E, "select", QUOTE, external_options=True),
        *system_properties(QUOTE),
    ),
    groups=groups((QUOTE, "Quote information", 0)),
    default_properties=("hs_title", "hs_expiration_date", "hs_status"),
    created_property="hs_createdate",
    modified_property="hs_lastmodifieddate",
    query_properties=("hs_title",),
    scopes=hubspot_scopes("quotes"),
)
