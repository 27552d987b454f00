"""The rules a pipeline change must meet (docs/behaviour.md, "Pipelines"): labels that
are not blank and unique where they must be, at least one stage, and stage ``metadata``
that holds what the object type's stages need. Changing pipelines is
``spoke.domain.pipeline_editor``."""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, replace

from spoke.domain.object_types import ObjectType
from spoke.domain.pipelines import Pipeline, Stage
from spoke.errors import ValidationError


@dataclass(frozen=True)
class StageInput:
    """A stage as a create or replace gives it; ``stage_id`` names a stage to keep."""

    label: str
    display_order: int
    metadata: Mapping[str, str]
    stage_id: str | None = None


@dataclass(frozen=True)
class PipelineInput:
    label: str
    display_order: int
    stages: Sequence[StageInput]


@dataclass(frozen=True)
class CheckedStage:
    """A given stage that passed the rules: its metadata is what the type keeps."""

    label: str
    display_order: int
    metadata: Mapping[str, str]
    stage_id: str | None


def checked_stages(object_type: ObjectType, given: Sequence[StageInput]) -> list[CheckedStage]:
    """The stages of a pipeline create or replace, or of a stage write, checked."""
    if not given:
        raise ValidationError("A pipeline needs at least one stage")
    seen: set[str] = set()
    checked: list[CheckedStage] = []
    for stage in given:
        label = checked_label(stage.label, "A stage")
        if label_key(label) in seen:
            raise ValidationError(
                f"Stage labels must be unique within a pipeline: '{label}' is given twice"
            )
        seen.add(label_key(label))
        metadata = checked_metadata(object_type, stage.metadata, label)
        checked.append(CheckedStage(label, stage.display_order, metadata, stage.stage_id))
    return checked


def checked_metadata(
    object_type: ObjectType, given: Mapping[str, str], label: str
) -> dict[str, str]:
    """The stage metadata the type keeps, from what was ``given``: each key its stages
    have, checked (the default of one not given, where it has one); other keys go."""
    fields = object_type.pipelines.stage_metadata if object_type.pipelines else ()
    checked: dict[str, str] = {}
    for field in fields:
        value = given.get(field.name)
        if value is None:
            if field.default is None:
                raise ValidationError(
                    f"Stage '{label}' has no metadata.{field.name}: every stage of a "
                    f"{object_type.singular} pipeline needs {field.name} {field.describe()}"
                )
            value = field.default
        elif not field.accepts(value):
            raise ValidationError(
                f"Invalid {field.name} '{value}' for stage '{label}': it must be {field.describe()}"
            )
        checked[field.name] = value
    return checked


def checked_label(label: str, what: str) -> str:
    if not label.strip():
        raise ValidationError(f"{what} needs a label that is not blank")
    if "\x00" in label:
        raise ValidationError(f"{what} label may not contain the character U+0000")
    return label


def label_key(label: str) -> str:
    return label.strip().casefold()


def refuse_taken_stage_label(pipeline: Pipeline, label: str, own_id: str | None) -> None:
    for other in pipeline.live_stages:
        if other.id != own_id and label_key(other.label) == label_key(label):
            raise ValidationError(
                f"Pipeline {pipeline.id} already has a stage labelled '{other.label}': "
                f"stage {other.id}"
            )


def match_stages(stored: Pipeline, given: Sequence[CheckedStage]) -> dict[int, Stage]:
    """For each given stage (by index) that keeps a live stored stage, that stage."""
    unmatched = {s.id: s for s in stored.live_stages}
    kept: dict[int, Stage] = {}
    for index, stage in enumerate(given):
        if stage.stage_id is not None and stage.stage_id in unmatched:
            kept[index] = unmatched.pop(stage.stage_id)
    for index, stage in enumerate(given):
        if index in kept:
            continue
        same = next(
            (s for s in unmatched.values() if label_key(s.label) == label_key(stage.label)),
            None,
        )
        if same is not None:
            kept[index] = unmatched.pop(same.id)
    return kept


def changed_stage(old: Stage, given: CheckedStage, now: int) -> Stage:
    """``old`` with the label, display order and metadata given (touched if changed)."""
    new = replace(
        old, label=given.label, display_order=given.display_order, metadata=given.metadata
    )
    return new if new == old else replace(new, updated_at=now)


def with_stage(pipeline: Pipeline, stage: Stage, now: int) -> Pipeline:
    stages = tuple(stage if s.id == stage.id else s for s in pipeline.stages)
    return replace(pipeline, stages=stages, updated_at=now)


def listed(ids: Iterable[str]) -> str:
    return "[" + ", ".join(ids) + "]"
