"""Stage calculated properties: when a record entered and exited each pipeline stage.

For every live stage of every live pipeline of a type with pipelines (tickets, deals),
the type has two read-only ``datetime`` properties, as HubSpot's portals do:

- ``hs_date_entered_<stageId>``, "Date entered '<stage> (<pipeline>)'": when the record
  last entered the stage (a record created in a stage enters it at its creation; one
  that comes back to a stage enters it again, and the new time replaces the old);
- ``hs_date_exited_<stageId>``, "Date exited '<stage> (<pipeline>)'": when the record
  last left it.

They come and go with the stages (their labels follow the stage's and the pipeline's).
Their values are set by the write that creates the record or moves its stage, at that
write's time, in that write: so they cost nothing more to read, and every way of writing
records (creates, updates, upserts, bulk loads) sets them through :func:`on_create` and
:func:`on_stage_change`. Their history shows them written by HubSpot's stage
calculation (``sourceType`` ``CALCULATED``), whatever wrote the stage.

Sources: HubSpot's knowledge base ("Use stage calculated properties": the date and time
the record entered, exited the stage; "Latest time in" counts from the last entry) and
property dumps of real portals (names, labels, ``calculation_read_time``, descriptions);
the history source is what HubSpot's v1 API shows for ``hs_v2_date_entered_*``. Newer
portals also have ``hs_v2_date_entered_*``/``hs_v2_date_exited_*`` (and cumulative and
latest times in each stage), which Spoke does not keep. docs/behaviour.md, "Stage
calculated properties".
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import replace
from typing import TYPE_CHECKING

from spoke.domain.properties import PropertyDefinition, PropertyType
from spoke.domain.standard_objects.building import hubspot_property

if TYPE_CHECKING:
    from spoke.domain.object_types import ObjectType, PipelineModel
    from spoke.domain.pipelines import Pipeline, Pipelines, Stage

ENTERED_PREFIX = "hs_date_entered_"
EXITED_PREFIX = "hs_date_exited_"
#: HubSpot's field type of these properties: values it reads off the record's stage times.
FIELD_TYPE = "calculation_read_time"
#: How their history names who wrote them (HubSpot's stage calculation).
SOURCE_TYPE = "CALCULATED"
SOURCE_ID = "StageCalculatedPropertiesRollup"


def entered_property(stage_id: str) -> str:
    return ENTERED_PREFIX + stage_id


def exited_property(stage_id: str) -> str:
    return EXITED_PREFIX + stage_id


def stage_date_definitions(
    object_type: ObjectType, pipelines: Pipelines
) -> tuple[PropertyDefinition, ...]:
    """The two properties of every live stage of the live ``pipelines``, in the
    pipelines' order, in the group of the type's stage property."""
    model = object_type.pipelines
    if model is None:
        return ()
    group = next(d.group_name for d in object_type.properties if d.name == model.stage_property)
    return tuple(
        definition
        for pipeline in pipelines.live()
        for stage in pipeline.live_stages
        for definition in _definitions(object_type.singular, group, pipeline, stage)
    )


def _definitions(
    singular: str, group: str, pipeline: Pipeline, stage: Stage
) -> tuple[PropertyDefinition, PropertyDefinition]:
    named = f"'{stage.label} ({pipeline.label})'"
    where = f"the '{stage.label}' stage, '{pipeline.label}' pipeline"
    changed = max(stage.updated_at, pipeline.updated_at)

    def definition(name: str, label: str, description: str) -> PropertyDefinition:
        built = hubspot_property(
            name,
            label,
            PropertyType.DATETIME,
            FIELD_TYPE,
            group,
            read_only=True,
            description=description,
        )
        return replace(built, created_at=stage.created_at, updated_at=changed)

    return (
        definition(
            entered_property(stage.id),
            f"Date entered {named}",
            f"The date and time when the {singular} entered {where}",
        ),
        definition(
            exited_property(stage.id),
            f"Date exited {named}",
            f"The date and time when the {singular} exited {where}",
        ),
    )


def on_create(model: PipelineModel, values: Mapping[str, str], stamp: str) -> dict[str, str]:
    """What a create sets besides the ``values`` sent: when the record entered its stage,
    ``stamp``, the creation's time."""
    stage = values.get(model.stage_property)
    return {entered_property(stage): stamp} if stage else {}


def on_stage_change(
    model: PipelineModel, before: Mapping[str, str], changed: dict[str, str], stamp: str
) -> None:
    """Add to ``changed`` (what a write changes in a record whose values were ``before``)
    when the record left its stage and entered the new one: ``stamp``, the write's time.
    Nothing when the write leaves the stage as it was."""
    new = changed.get(model.stage_property)
    if not new:
        return
    changed[entered_property(new)] = stamp
    old = before.get(model.stage_property)
    if old and old != new:
        changed[exited_property(old)] = stamp
