"""The quick-start path: create a ticket, read it back with the official SDK."""

from __future__ import annotations

import hubspot
from hubspot.crm.tickets import (
    BatchReadInputSimplePublicObjectId,
    SimplePublicObjectId,
    SimplePublicObjectInputForCreate,
)


def test_created_ticket_reads_back_through_the_sdk(sdk: hubspot.Client) -> None:
    created = sdk.crm.tickets.basic_api.create(
        SimplePublicObjectInputForCreate(
            properties={"subject": "Printer on fire", "hs_pipeline_stage": "1"}, associations=[]
        )
    )
    batch = sdk.crm.tickets.batch_api.read(
        BatchReadInputSimplePublicObjectId(
            inputs=[SimplePublicObjectId(id=created.id)],
            properties=["subject"],
            properties_with_history=[],
        ),
        archived=False,
    )
    assert [r.id for r in batch.results] == [created.id]
    assert batch.results[0].properties["subject"] == "Printer on fire"
    assert batch.results[0].properties["hs_object_id"] == created.id
