"""HTTP endpoints of the pipelines API for tickets (``/crm/v3/pipelines/tickets``)."""

from __future__ import annotations

from starlette.requests import Request
from starlette.responses import Response

from spoke.api import encode
from spoke.api.http import json_response
from spoke.domain.pipelines import PIPELINES
from spoke.errors import ResourceNotFound
from spoke.store.base import TokenRecord


async def list_pipelines(request: Request, token: TokenRecord) -> Response:
    return json_response({"results": [encode.pipeline(p) for p in PIPELINES.values()]})


async def get_pipeline(request: Request, token: TokenRecord) -> Response:
    pipeline_id = request.path_params["pipeline_id"]
    pipeline = PIPELINES.get(pipeline_id)
    if pipeline is None:
        raise ResourceNotFound(f"Unable to find pipeline {pipeline_id} for object type TICKET")
    return json_response(encode.pipeline(pipeline))
