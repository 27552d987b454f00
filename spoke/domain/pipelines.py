"""Ticket pipelines and their stages: what they are, and the view ticket writes check.

Every portal starts with HubSpot's default ticket pipeline, ``0`` "Support Pipeline"
(migration 0004 stores it). A ticket written without ``hs_pipeline`` is put in it. The
pipelines API may add, change and delete (archive) pipelines and stages; the store keeps
them, and each worker holds the current ones in a :class:`Pipelines` view, reloaded
with the property definitions when the store's definitions version moves
(``spoke.domain.catalogue``). Changing them is ``spoke.domain.pipeline_editor``.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass

from spoke.domain.properties import Option, PropertyDefinition

DEFAULT_PIPELINE_ID = "0"

#: When the default pipeline came into being (Spoke's epoch for built-in definitions).
BUILT_IN_AT = 1_577_836_800_000  # 2020-01-01T00:00:00Z

#: The values a ticket stage's ``metadata.ticketState`` may take.
TICKET_STATES = ("OPEN", "CLOSED")

#: Kinds of change an audit entry records.
CREATE, UPDATE, DELETE = "CREATE", "UPDATE", "DELETE"


@dataclass(frozen=True)
class Stage:
    id: str
    label: str
    display_order: int
    metadata: Mapping[str, str]
    """HubSpot's stage ``metadata`` as it sends it (tickets: ``{"ticketState": "OPEN"}``)."""
    created_at: int = BUILT_IN_AT
    updated_at: int = BUILT_IN_AT
    archived_at: int | None = None

    @property
    def archived(self) -> bool:
        return self.archived_at is not None


@dataclass(frozen=True)
class Pipeline:
    id: str
    label: str
    display_order: int
    stages: tuple[Stage, ...]
    """Every stage the pipeline has had, archived ones too (see :attr:`live_stages`)."""
    created_at: int = BUILT_IN_AT
    updated_at: int = BUILT_IN_AT
    archived_at: int | None = None

    @property
    def archived(self) -> bool:
        return self.archived_at is not None

    @property
    def live_stages(self) -> tuple[Stage, ...]:
        """The stages tickets may be in, in HubSpot's order: by display order, then label."""
        return tuple(sorted((s for s in self.stages if not s.archived), key=_display_key))

    def stage(self, stage_id: str) -> Stage | None:
        """The live stage ``stage_id`` of this pipeline."""
        found = self.any_stage(stage_id)
        return None if found is None or found.archived else found

    def any_stage(self, stage_id: str) -> Stage | None:
        """Stage ``stage_id`` of this pipeline, archived or not."""
        return next((s for s in self.stages if s.id == stage_id), None)


def _display_key(item: Pipeline | Stage) -> tuple[int, str]:
    return (item.display_order, item.label)


SUPPORT_PIPELINE = Pipeline(
    id=DEFAULT_PIPELINE_ID,
    label="Support Pipeline",
    display_order=0,
    stages=(
        Stage("1", "New", 0, {"ticketState": "OPEN"}),
        Stage("2", "Waiting on contact", 1, {"ticketState": "OPEN"}),
        Stage("3", "Waiting on us", 2, {"ticketState": "OPEN"}),
        Stage("4", "Closed", 3, {"ticketState": "CLOSED"}),
    ),
)
"""The default pipeline as migration 0004 creates it."""


@dataclass(frozen=True)
class PipelineAudit:
    """One change to a pipeline, or to one of its stages (``stage_id``)."""

    action: str  # CREATE, UPDATE or DELETE
    timestamp: int
    pipeline: Pipeline
    """The pipeline as the change left it."""
    stage_id: str | None = None


class Pipelines:
    """An immutable view of every ticket pipeline, archived ones too, by id."""

    def __init__(self, pipelines: Iterable[Pipeline]) -> None:
        self.by_id: Mapping[str, Pipeline] = {p.id: p for p in pipelines}
        self._live = tuple(
            sorted((p for p in self.by_id.values() if not p.archived), key=_display_key)
        )

    def get(self, pipeline_id: str) -> Pipeline | None:
        """The live pipeline ``pipeline_id``."""
        found = self.by_id.get(pipeline_id)
        return None if found is None or found.archived else found

    def live(self) -> tuple[Pipeline, ...]:
        """Live pipelines in HubSpot's order: by display order, then label."""
        return self._live

    def with_stage(self, stage_id: str) -> Pipeline | None:
        """The pipeline, live or archived, that has (or had) stage ``stage_id``."""
        return next((p for p in self.by_id.values() if p.any_stage(stage_id)), None)


DEFAULT_PIPELINES = Pipelines([SUPPORT_PIPELINE])

#: The standard properties whose options are the pipelines and their stages.
PIPELINE_PROPERTY = "hs_pipeline"
STAGE_PROPERTY = "hs_pipeline_stage"


def with_pipeline_options(
    definitions: Sequence[PropertyDefinition], pipelines: Pipelines
) -> tuple[PropertyDefinition, ...]:
    """``definitions`` with the options of ``hs_pipeline`` and ``hs_pipeline_stage`` set
    to the live pipelines and their stages (every pipeline's stages, in pipeline order)."""
    live = pipelines.live()
    options = {
        PIPELINE_PROPERTY: tuple(Option(p.label, p.id, p.display_order) for p in live),
        STAGE_PROPERTY: tuple(
            Option(s.label, s.id, s.display_order) for p in live for s in p.live_stages
        ),
    }
    return tuple(
        dataclasses.replace(d, options=options[d.name]) if d.name in options else d
        for d in definitions
    )
