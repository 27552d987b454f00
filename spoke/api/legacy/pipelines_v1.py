"""HubSpot's legacy pipelines APIs: the CRM pipelines API v1
(``/crm-pipelines/v1/pipelines/{deals,tickets}``) and the deals API v1's list
(``/deals/v1/pipelines``). The pipelines are the ones the v3 pipelines API serves;
only their encoding differs (ids as ``pipelineId``/``stageId``, instants as epoch
milliseconds, ``active`` for not archived).
"""

from __future__ import annotations

from decimal import Decimal, InvalidOperation
from typing import Any

from starlette.requests import Request
from starlette.responses import Response

from spoke.api.http import json_response
from spoke.domain.catalogue import Catalogue
from spoke.domain.object_types import ObjectType
from spoke.domain.pipelines import Pipeline, Stage
from spoke.errors import ValidationError
from spoke.store.base import TokenRecord

Json = dict[str, Any]

#: ``includeInactive``: HubSpot's two values; the first is its default.
EXCLUDE_DELETED, INCLUDE_DELETED = "EXCLUDE_DELETED", "INCLUDE_DELETED"


class PipelinesV1Endpoints:
    def __init__(self, catalogue: Catalogue) -> None:
        self._catalogue = catalogue

    async def pipelines(
        self, request: Request, token: TokenRecord, object_type: ObjectType
    ) -> Response:
        """``{"results": [...]}``; with ``includeInactive=INCLUDE_DELETED`` deleted
        (archived) pipelines and stages too, ``active`` false."""
        include = request.query_params.get("includeInactive") or EXCLUDE_DELETED
        if include not in (EXCLUDE_DELETED, INCLUDE_DELETED):
            raise ValidationError(
                f"Invalid value '{include}' for includeInactive: expected {EXCLUDE_DELETED} "
                f"or {INCLUDE_DELETED}"
            )
        deleted_too = include == INCLUDE_DELETED
        model = object_type.pipelines
        assert model is not None
        pipelines = self._pipelines(object_type, deleted_too)
        return json_response(
            {
                "results": [
                    _pipeline(object_type, p, p.id == model.default_pipeline_id, deleted_too)
                    for p in pipelines
                ]
            }
        )

    async def deals_list(
        self, request: Request, token: TokenRecord, object_type: ObjectType
    ) -> Response:
        """The deals API v1's array of live pipelines, each stage with its
        ``probability`` and ``closedWon``."""
        model = object_type.pipelines
        assert model is not None
        return json_response(
            [
                _deal_pipeline(p, p.id == model.default_pipeline_id)
                for p in self._pipelines(object_type, False)
            ]
        )

    def _pipelines(self, object_type: ObjectType, deleted_too: bool) -> list[Pipeline]:
        pipelines = self._catalogue.current(object_type).pipelines
        if not deleted_too:
            return list(pipelines.live())
        return sorted(pipelines.by_id.values(), key=lambda p: (p.display_order, p.label))


def _pipeline(
    object_type: ObjectType, pipeline: Pipeline, default: bool, deleted_too: bool
) -> Json:
    stages = pipeline.stages if deleted_too else pipeline.live_stages
    if deleted_too:
        stages = tuple(sorted(stages, key=lambda s: (s.display_order, s.label)))
    return {
        "pipelineId": pipeline.id,
        "createdAt": pipeline.created_at,
        "updatedAt": pipeline.updated_at,
        "objectType": object_type.label,
        "objectTypeId": object_type.type_id,
        "label": pipeline.label,
        "displayOrder": pipeline.display_order,
        "active": not pipeline.archived,
        "default": default,
        "stages": [_stage(s) for s in stages],
    }


def _stage(stage: Stage) -> Json:
    return {
        "stageId": stage.id,
        "createdAt": stage.created_at,
        "updatedAt": stage.updated_at,
        "label": stage.label,
        "displayOrder": stage.display_order,
        "active": not stage.archived,
        "metadata": dict(stage.metadata),
    }


def _deal_pipeline(pipeline: Pipeline, default: bool) -> Json:
    return {
        "pipelineId": pipeline.id,
        "stages": [_deal_stage(s) for s in pipeline.live_stages],
        "label": pipeline.label,
        "active": True,
        "displayOrder": pipeline.display_order,
        "staticDefault": default,
    }


def _deal_stage(stage: Stage) -> Json:
    probability = _probability(stage.metadata.get("probability", "0"))
    return {
        "stageId": stage.id,
        "label": stage.label,
        "probability": probability,
        "active": True,
        "displayOrder": stage.display_order,
        "closedWon": stage.metadata.get("isClosed") == "true" and probability == 1.0,
    }


def _probability(text: str) -> float:
    try:
        return float(Decimal(text))
    except InvalidOperation:
        return 0.0
