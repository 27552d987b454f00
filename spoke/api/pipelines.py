"""HTTP endpoints of the pipelines API of every object type that has pipelines
(``/crm/v3/pipelines/{objectType}``): pipelines, their stages, and the audit of both."""

from __future__ import annotations

from starlette.requests import Request
from starlette.responses import Response

from spoke.api import encode, schemas
from spoke.api.http import decode_body, empty_response, json_response, query_bool
from spoke.domain.catalogue import Catalogue
from spoke.domain.object_types import ObjectType
from spoke.domain.pipeline_editor import (
    PipelineChanges,
    PipelineEditor,
    StageChanges,
    pipeline_not_found,
    stage_not_found,
)
from spoke.domain.pipeline_rules import PipelineInput, StageInput
from spoke.domain.pipelines import Pipeline
from spoke.store.base import Store, TokenRecord

#: Query parameters of the writes that may remove stages. Spoke always refuses to remove
#: a pipeline or stage that live records are in, so their value changes nothing; they
#: are still checked to be booleans (docs/behaviour.md, "Pipelines").
VALIDATION_FLAGS = ("validateReferencesBeforeDelete", "validateDealStageUsagesBeforeDelete")


class PipelineEndpoints:
    def __init__(self, store: Store, catalogue: Catalogue) -> None:
        self._store = store
        self._catalogue = catalogue

    def _editor(self, object_type: ObjectType) -> PipelineEditor:
        return PipelineEditor(self._store, object_type)

    def _pipeline(self, request: Request, object_type: ObjectType) -> Pipeline:
        pipeline_id = request.path_params["pipeline_id"]
        found = self._catalogue.current(object_type).pipelines.get(pipeline_id)
        if found is None:
            raise pipeline_not_found(object_type, pipeline_id)
        return found

    # -- pipelines -------------------------------------------------------------------

    async def list(self, request: Request, token: TokenRecord, object_type: ObjectType) -> Response:
        pipelines = self._catalogue.current(object_type).pipelines.live()
        return json_response({"results": [encode.pipeline(p) for p in pipelines]})

    async def get(self, request: Request, token: TokenRecord, object_type: ObjectType) -> Response:
        return json_response(encode.pipeline(self._pipeline(request, object_type)))

    async def create(
        self, request: Request, token: TokenRecord, object_type: ObjectType
    ) -> Response:
        body = await decode_body(request, schemas.PipelineInput)
        created = self._editor(object_type).create(_pipeline_input(body))
        return json_response(encode.pipeline(created), 201)

    async def replace(
        self, request: Request, token: TokenRecord, object_type: ObjectType
    ) -> Response:
        _check_flags(request)
        body = await decode_body(request, schemas.PipelineInput)
        replaced = self._editor(object_type).replace(
            request.path_params["pipeline_id"], _pipeline_input(body)
        )
        return json_response(encode.pipeline(replaced))

    async def update(
        self, request: Request, token: TokenRecord, object_type: ObjectType
    ) -> Response:
        _check_flags(request)
        body = await decode_body(request, schemas.PipelinePatchInput)
        changes = PipelineChanges(body.label, body.displayOrder, body.archived)
        updated = self._editor(object_type).update(request.path_params["pipeline_id"], changes)
        return json_response(encode.pipeline(updated))

    async def archive(
        self, request: Request, token: TokenRecord, object_type: ObjectType
    ) -> Response:
        _check_flags(request)
        self._editor(object_type).archive(request.path_params["pipeline_id"])
        return empty_response()

    async def audit(
        self, request: Request, token: TokenRecord, object_type: ObjectType
    ) -> Response:
        pipeline_id = request.path_params["pipeline_id"]
        audits = self._editor(object_type).pipeline_audits(pipeline_id)
        return json_response(encode.pipeline_audits(audits))

    # -- stages ----------------------------------------------------------------------

    async def list_stages(
        self, request: Request, token: TokenRecord, object_type: ObjectType
    ) -> Response:
        stages = self._pipeline(request, object_type).live_stages
        return json_response({"results": [encode.stage(s) for s in stages]})

    async def get_stage(
        self, request: Request, token: TokenRecord, object_type: ObjectType
    ) -> Response:
        pipeline = self._pipeline(request, object_type)
        stage_id = request.path_params["stage_id"]
        found = pipeline.stage(stage_id)
        if found is None:
            raise stage_not_found(object_type, pipeline.id, stage_id)
        return json_response(encode.stage(found))

    async def create_stage(
        self, request: Request, token: TokenRecord, object_type: ObjectType
    ) -> Response:
        body = await decode_body(request, schemas.PipelineStageInput)
        created = self._editor(object_type).create_stage(
            request.path_params["pipeline_id"], _stage_input(body)
        )
        return json_response(encode.stage(created), 201)

    async def replace_stage(
        self, request: Request, token: TokenRecord, object_type: ObjectType
    ) -> Response:
        body = await decode_body(request, schemas.PipelineStageInput)
        replaced = self._editor(object_type).replace_stage(
            request.path_params["pipeline_id"], request.path_params["stage_id"], _stage_input(body)
        )
        return json_response(encode.stage(replaced))

    async def update_stage(
        self, request: Request, token: TokenRecord, object_type: ObjectType
    ) -> Response:
        body = await decode_body(request, schemas.PipelineStagePatchInput)
        changes = StageChanges(body.label, body.displayOrder, body.metadata, body.archived)
        updated = self._editor(object_type).update_stage(
            request.path_params["pipeline_id"], request.path_params["stage_id"], changes
        )
        return json_response(encode.stage(updated))

    async def archive_stage(
        self, request: Request, token: TokenRecord, object_type: ObjectType
    ) -> Response:
        _check_flags(request)
        self._editor(object_type).archive_stage(
            request.path_params["pipeline_id"], request.path_params["stage_id"]
        )
        return empty_response()

    async def stage_audit(
        self, request: Request, token: TokenRecord, object_type: ObjectType
    ) -> Response:
        # HubSpot's Python SDK leaves {pipelineId} unfilled here: the stage id is enough.
        audits = self._editor(object_type).stage_audits(request.path_params["stage_id"])
        return json_response(encode.pipeline_audits(audits))


def _check_flags(request: Request) -> None:
    for name in VALIDATION_FLAGS:
        query_bool(request, name)


def _stage_input(body: schemas.PipelineStageInput) -> StageInput:
    return StageInput(body.label, body.displayOrder, body.metadata, body.stageId)


def _pipeline_input(body: schemas.PipelineInput) -> PipelineInput:
    return PipelineInput(body.label, body.displayOrder, [_stage_input(s) for s in body.stages])
