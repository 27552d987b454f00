"""HubSpot's forms are no CRM object type Spoke serves (they belong to HubSpot's marketing
APIs), but HubSpot's legacy properties API lists their property definitions
(``/properties/v2/form/properties``), and Airbyte's connector builds its forms schema
from them and fails on an empty list. Spoke serves no forms and found no list of HubSpot's
form properties, so it lists only the system properties every HubSpot object type has
(docs/behaviour.md, "Properties v1 and v2")."""

from __future__ import annotations

from spoke.domain.properties import PropertyDefinition
from spoke.domain.standard_objects.building import system_properties

FORM_PROPERTIES: tuple[PropertyDefinition, ...] = system_properties("forminformation")
