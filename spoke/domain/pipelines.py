"""Pipelines and their stages: what they are, and the view record writes check.

Object types with pipelines (tickets, deals) start with HubSpot's default pipelines
(``ObjectType.pipelines.defaults``, stored when the database is migrated). A record
written without a pipeline is put in its type's first default one. The pipelines API
may add, change and delete (archive) pipelines and stages; the store keeps them, and
each worker holds the current ones in a :class:`Pipelines` view per object type,
reloaded with the property definitions when the store's definitions version moves
(``spoke.domain.catalogue``). Changing them is ``spoke.domain.pipeline_editor``.

A stage carries HubSpot's ``metadata`` object as it sends it; which keys an object
type's stages need, and what they may hold, is the type's :class:`StageMetadataField`
list (tickets: ``ticketState`` OPEN or CLOSED; deals: ``probability`` and ``isClosed``).
"""

from __future__ import annotations

import dataclasses
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation

from spoke.domain.properties import Option, PropertyDefinition

#: When the default pipelines came into being (Spoke's epoch for built-in definitions).
BUILT_IN_AT = 1_577_836_800_000  # 2020-01-01T00:00:00Z

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
        """The stages records may be in, in HubSpot's order: by display order, then label."""
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


@dataclass(frozen=True)
class PipelineAudit:
    """One change to a pipeline, or to one of its stages (``stage_id``)."""

    action: str  # CREATE, UPDATE or DELETE
    timestamp: int
    pipeline: Pipeline
    """The pipeline as the change left it."""
    stage_id: str | None = None


class Pipelines:
    """An immutable view of an object type's pipelines, archived ones too, by id."""

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


@dataclass(frozen=True)
class StageMetadataField:
    """A key that every stage of an object type's pipelines has in its ``metadata``."""

    name: str
    choices: tuple[str, ...] = ()
    """The values it may take, written exactly so; none: it is a probability, a decimal
    from 0 to 1 (deals' ``probability``)."""
    default: str | None = None
    """What a stage given without it gets; ``None``: it must be given."""

    def describe(self) -> str:
        """What it may hold, as messages say it: ``OPEN or CLOSED``."""
        return " or ".join(self.choices) if self.choices else "a decimal from 0.0 to 1.0"

    def accepts(self, value: str) -> bool:
        if self.choices:
            return value in self.choices
        try:
            number = Decimal(value.strip())
        except InvalidOperation:
            return False
        return number.is_finite() and 0 <= number <= 1


def with_pipeline_options(
    definitions: Sequence[PropertyDefinition],
    pipelines: Pipelines,
    pipeline_property: str,
    stage_property: str,
) -> tuple[PropertyDefinition, ...]:
    """``definitions`` with the options of the pipeline and stage properties set to the
    live pipelines and their stages (every pipeline's stages, in pipeline order)."""
    live = pipelines.live()
    options = {
        pipeline_property: tuple(Option(p.label, p.id, p.display_order) for p in live),
        stage_property: tuple(
            Option(s.label, s.id, s.display_order) for p in live for s in p.live_stages
        ),
    }
    return tuple(
        dataclasses.replace(d, options=options[d.name]) if d.name in options else d
        for d in definitions
    )
