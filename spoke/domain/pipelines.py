"""Ticket pipelines and their stages.

Every portal starts with HubSpot's default ticket pipeline, ``0`` "Support Pipeline".
A ticket written without ``hs_pipeline`` is put in it.
"""

from __future__ import annotations

from dataclasses import dataclass

DEFAULT_PIPELINE_ID = "0"

#: When the default pipeline came into being (Spoke's epoch for built-in definitions).
BUILT_IN_AT = 1_577_836_800_000  # 2020-01-01T00:00:00Z


@dataclass(frozen=True)
class Stage:
    id: str
    label: str
    display_order: int
    ticket_state: str  # OPEN or CLOSED


@dataclass(frozen=True)
class Pipeline:
    id: str
    label: str
    display_order: int
    stages: tuple[Stage, ...]
    created_at: int = BUILT_IN_AT
    updated_at: int = BUILT_IN_AT

    def stage(self, stage_id: str) -> Stage | None:
        return next((s for s in self.stages if s.id == stage_id), None)


SUPPORT_PIPELINE = Pipeline(
    id=DEFAULT_PIPELINE_ID,
    label="Support Pipeline",
    display_order=0,
    stages=(
        Stage("1", "New", 0, "OPEN"),
        Stage("2", "Waiting on contact", 1, "OPEN"),
        Stage("3", "Waiting on us", 2, "OPEN"),
        Stage("4", "Closed", 3, "CLOSED"),
    ),
)

PIPELINES: dict[str, Pipeline] = {SUPPORT_PIPELINE.id: SUPPORT_PIPELINE}
