"""Pipeline rows as both SQL backends store them (migrations 0004 and 0008): the one
place that knows their column layout. Only the SQL dialect differs between the backends.
A stage's ``metadata`` is stored as one compact JSON object of strings."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Any

import msgspec
import orjson

from spoke.domain.pipelines import Pipeline, PipelineAudit, Stage

#: Columns of ``pipeline_row``, in order.
PIPELINE_COLUMNS = "object_type, id, label, display_order, created_at, updated_at, archived_at"
#: Columns of ``stage_rows``, in order.
STAGE_COLUMNS = (
    "object_type, pipeline_id, id, label, display_order, metadata, created_at, updated_at, "
    "archived_at"
)
#: Columns of ``audit_row``, in order.
AUDIT_COLUMNS = "object_type, pipeline_id, stage_id, action, timestamp, snapshot"


def pipeline_row(object_type: str, pipeline: Pipeline) -> tuple[Any, ...]:
    p = pipeline
    return (object_type, p.id, p.label, p.display_order, p.created_at, p.updated_at, p.archived_at)


def stage_rows(object_type: str, pipeline: Pipeline) -> list[tuple[Any, ...]]:
    return [
        (
            object_type,
            pipeline.id,
            s.id,
            s.label,
            s.display_order,
            orjson.dumps(s.metadata).decode(),
            s.created_at,
            s.updated_at,
            s.archived_at,
        )
        for s in pipeline.stages
    ]


#: Every pipeline with its stages, in one statement (so one consistent state): a row per
#: stage, pipeline columns first; ``pipelines_from_rows`` reads them. ``{where}`` is empty
#: for every type's, or a condition on ``p.object_type`` for one type's.
SELECT_PIPELINES = (
    "SELECT p.object_type, p.id, p.label, p.display_order, p.created_at, p.updated_at, "
    "p.archived_at, s.id, s.label, s.display_order, s.metadata, s.created_at, s.updated_at, "
    "s.archived_at FROM pipelines p LEFT JOIN pipeline_stages s "
    "ON s.object_type = p.object_type AND s.pipeline_id = p.id{where} "
    "ORDER BY p.object_type, p.id, s.id"
)


def pipelines_from_rows(rows: Iterable[Sequence[Any]]) -> dict[str, list[Pipeline]]:
    """Pipelines by object type, from the rows of ``SELECT_PIPELINES``."""
    heads: dict[tuple[str, str], Sequence[Any]] = {}
    stages: dict[tuple[str, str], list[Stage]] = {}
    for row in rows:
        key = (row[0], row[1])
        heads.setdefault(key, row[:7])
        found = stages.setdefault(key, [])
        if row[7] is not None:
            stage_id, label, order, metadata, created, updated, archived = row[7:]
            found.append(
                Stage(stage_id, label, order, orjson.loads(metadata), created, updated, archived)
            )
    by_type: dict[str, list[Pipeline]] = {}
    for (object_type, pipeline_id), head in heads.items():
        by_type.setdefault(object_type, []).append(
            Pipeline(
                id=pipeline_id,
                label=head[2],
                display_order=head[3],
                stages=tuple(stages[(object_type, pipeline_id)]),
                created_at=head[4],
                updated_at=head[5],
                archived_at=head[6],
            )
        )
    return by_type


def audit_row(object_type: str, audit: PipelineAudit) -> tuple[Any, ...]:
    snapshot = msgspec.json.encode(audit.pipeline).decode()
    return (object_type, audit.pipeline.id, audit.stage_id, audit.action, audit.timestamp, snapshot)


def audit_from_row(row: Sequence[Any]) -> PipelineAudit:
    """An audit entry from its ``action, timestamp, snapshot, stage_id`` columns."""
    action, timestamp, snapshot, stage_id = row
    pipeline = msgspec.json.decode(snapshot, type=Pipeline)
    return PipelineAudit(action, timestamp, pipeline, stage_id)


#: Columns ``audit_from_row`` reads, in order.
AUDIT_READ_COLUMNS = "action, timestamp, snapshot, stage_id"
