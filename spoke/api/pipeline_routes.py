"""The pipelines API's part of the route table (:mod:`spoke.api.routes`): pipelines and
their stages, with their audits, of the types that have pipelines."""

from __future__ import annotations

from dataclasses import replace

from spoke.api import schemas
from spoke.api.operation import Operation
from spoke.api.pipelines import VALIDATION_FLAGS, PipelineEndpoints
from spoke.domain.object_types import Access


def pipeline_operations(base: str, pipelines: PipelineEndpoints) -> list[Operation]:
    """Reads take the schema read scope, writes the schema write scope."""
    one = f"{base}/{{pipeline_id}}"
    stages = f"{one}/stages"
    stage = f"{stages}/{{stage_id}}"
    table = [
        Operation(
            "GET",
            base,
            pipelines.list,
            "Read all pipelines of an object type",
            None,
            {200: schemas.PipelineCollection},
        ),
        Operation(
            "POST",
            base,
            pipelines.create,
            "Create a pipeline",
            schemas.PipelineInput,
            {201: schemas.Pipeline},
        ),
        Operation(
            "GET",
            one,
            pipelines.get,
            "Read a pipeline",
            None,
            {200: schemas.Pipeline},
        ),
        Operation(
            "PUT",
            one,
            pipelines.replace,
            "Replace a pipeline",
            schemas.PipelineInput,
            {200: schemas.Pipeline},
            query=VALIDATION_FLAGS,
        ),
        Operation(
            "PATCH",
            one,
            pipelines.update,
            "Update (or restore) a pipeline",
            schemas.PipelinePatchInput,
            {200: schemas.Pipeline},
            query=VALIDATION_FLAGS,
        ),
        Operation(
            "DELETE",
            one,
            pipelines.archive,
            "Delete a pipeline",
            None,
            {204: None},
            query=VALIDATION_FLAGS,
        ),
        Operation(
            "GET",
            f"{one}/audit",
            pipelines.audit,
            "Read the changes to a pipeline, newest first",
            None,
            {200: schemas.AuditCollection},
        ),
        Operation(
            "GET",
            stages,
            pipelines.list_stages,
            "Read the stages of a pipeline",
            None,
            {200: schemas.StageCollection},
        ),
        Operation(
            "POST",
            stages,
            pipelines.create_stage,
            "Create a pipeline stage",
            schemas.PipelineStageInput,
            {201: schemas.StageOut},
        ),
        Operation(
            "GET",
            stage,
            pipelines.get_stage,
            "Read a pipeline stage",
            None,
            {200: schemas.StageOut},
        ),
        Operation(
            "PUT",
            stage,
            pipelines.replace_stage,
            "Replace a pipeline stage",
            schemas.PipelineStageInput,
            {200: schemas.StageOut},
        ),
        Operation(
            "PATCH",
            stage,
            pipelines.update_stage,
            "Update (or restore) a pipeline stage",
            schemas.PipelineStagePatchInput,
            {200: schemas.StageOut},
        ),
        Operation(
            "DELETE",
            stage,
            pipelines.archive_stage,
            "Delete a pipeline stage",
            None,
            {204: None},
            query=("validateReferencesBeforeDelete",),
        ),
        Operation(
            "GET",
            f"{stage}/audit",
            pipelines.stage_audit,
            "Read the changes to a pipeline stage, newest first",
            None,
            {200: schemas.AuditCollection},
        ),
    ]
    return [
        replace(
            op,
            tag="Pipelines",
            access=Access.SCHEMA_READ if op.method == "GET" else Access.SCHEMA_WRITE,
        )
        for op in table
    ]
