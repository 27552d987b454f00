"""HubSpot's new Python SDK (``hubspot-sdk``, dated 2026-03 paths) reading tickets.

Runs inside that SDK's virtual environment. The full sync reads the tickets' property
definitions and pipelines (what a sync needs to interpret the records), then iterates
``client.crm.objects.tickets.list()``, which pages by itself. With a third argument
(milliseconds since the epoch) it runs the incremental form instead: a search for tickets
with ``hs_lastmodifieddate`` at or after that instant, page by page.

Arguments: base URL, access token[, since]. Prints one JSON line: the ticket ids found.
"""

import json
import sys

from hubspot_sdk import HubSpot

PROPERTIES = ["subject", "content", "hs_pipeline", "hs_pipeline_stage"]


def full_sync(client: HubSpot) -> list[str]:
    names = [definition.name for definition in client.crm.properties.list("tickets").results]
    if "hs_pipeline_stage" not in names:
        raise RuntimeError(f"ticket properties lack hs_pipeline_stage: {names[:10]}")
    client.crm.pipelines.list("tickets")
    return [
        ticket.id for ticket in client.crm.objects.tickets.list(limit=100, properties=PROPERTIES)
    ]


def modified_since(client: HubSpot, since: str) -> list[str]:
    ids: list[str] = []
    after = "0"
    while True:
        page = client.crm.objects.tickets.search(
            after=after,
            filter_groups=[
                {
                    "filters": [
                        {"propertyName": "hs_lastmodifieddate", "operator": "GTE", "value": since}
                    ]
                }
            ],
            limit=100,
            properties=PROPERTIES,
            sorts=["hs_object_id"],
        )
        ids += [ticket.id for ticket in page.results]
        if page.paging is None or page.paging.next is None:
            return ids
        after = page.paging.next.after


def main() -> None:
    base_url, token = sys.argv[1], sys.argv[2]
    client = HubSpot(access_token=token, base_url=base_url, max_retries=0)
    ids = modified_since(client, sys.argv[3]) if len(sys.argv) > 3 else full_sync(client)
    print(json.dumps({"ids": ids}))


if __name__ == "__main__":
    main()
