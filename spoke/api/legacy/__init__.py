"""HubSpot's legacy APIs that real clients still call: CRM objects v1, properties v1 and
v2, pipelines v1 (``routes.py`` lists them). Thin adapters: they read through the same
domain readers and catalogue as the v3 APIs and differ only in their HTTP shapes."""
