"""Pipeline rows as both SQL backends store them (migrations 0004): the one place that
knows their column layout. Only the SQL dialect differs between the backends."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Any

import msgspec

from spoke.domain.pipelines import Pipeline, PipelineAudit, Stage

#: Columns of ``pipeline_row``, in order.
PIPELINE_COLUMNS = "id, label, display_order, created_at, updated_at, archived_at"
#: Columns of ``stage_rows``, in order.
STAGE_COLUMNS = (
    "pipeline_id, id, label, display_order, ticket_state, created_at, updated_at, archived_at"
)
#: Columns of ``audit_row``, in order.
AUDIT_COLUMNS = "pipeline_id, stage_id, action, timestamp, snapshot"


def pipeline_row(pipeline: Pipeline) -> tuple[Any, ...]:
    p = pipeline
    return (p.id, p.label, p.display_order, p.created_at, p.updated_at, p.archived_at)


def stage_rows(pipeline: Pipeline) -> list[tuple[Any, ...]]:
    return [
        (
            pipeline.id,
            s.id,
            s.label,
            s.display_order,
            s.metadata["ticketState"],
            s.created_at,
            s.updated_at,
            s.archived_at,
        )
        for s in pipeline.stages
    ]


#: Every pipeline with its stages, in one statement (so one consistent state): a row per
#: stage, pipeline columns first; ``pipelines_from_rows`` reads them.
SELECT_PIPELINES = (
    "SELECT p.id, p.label, p.display_order, p.created_at, p.updated_at, p.archived_at, "
    "s.id, s.label, s.display_order, s.ticket_state, s.created_at, s.updated_at, s.archived_at "
    "FROM pipelines p LEFT JOIN pipeline_stages s ON s.pipeline_id = p.id "
    "ORDER BY p.id, s.id"
)


def pipelines_from_rows(rows: Iterable[Sequence[Any]]) -> list[Pipeline]:
    """Pipelines from the rows of ``SELECT_PIPELINES``."""
    heads: dict[str, Sequence[Any]] = {}
    stages: dict[str, list[Stage]] = {}
    for row in rows:
        pipeline_id = row[0]
        heads.setdefault(pipeline_id, row[:6])
        found = stages.setdefault(pipeline_id, [])
        if row[6] is not None:
            stage_id, label, order, state, created, updated, archived = row[6:]
            found.append(
                Stage(stage_id, label, order, {"ticketState": state}, created, updated, archived)
            )
    return [
        Pipeline(
            id=pipeline_id,
            label=head[1],
            display_order=head[2],
            stages=tuple(stages[pipeline_id]),
            created_at=head[3],
            updated_at=head[4],
            archived_at=head[5],
        )
        for pipeline_id, head in heads.items()
    ]


def audit_row(audit: PipelineAudit) -> tuple[Any, ...]:
    snapshot = msgspec.json.encode(audit.pipeline).decode()
    return (audit.pipeline.id, audit.stage_id, audit.action, audit.timestamp, snapshot)


def audit_from_row(row: Sequence[Any]) -> PipelineAudit:
    """An audit entry from its ``action, timestamp, snapshot, stage_id`` columns."""
    action, timestamp, snapshot, stage_id = row
    pipeline = msgspec.json.decode(snapshot, type=Pipeline)
    return PipelineAudit(action, timestamp, pipeline, stage_id)


#: Columns ``audit_from_row`` reads, in order.
AUDIT_READ_COLUMNS = "action, timestamp, snapshot, stage_id"
