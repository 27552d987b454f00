"""Changing an object type's pipelines and their stages, with HubSpot's rules (the
pipelines API).

Every change is one transaction: it locks the type's pipelines (pipeline writers run one
at a time, and the definitions version moves, so every worker reloads them once it
commits), checks the change against the stored pipelines, saves the changed pipeline
whole and appends what it did to the audit log. Deleting archives: the pipeline or stage
leaves every list and may be restored (``PATCH`` with ``archived: false``), and its audit
stays.

Rules (docs/behaviour.md, "Pipelines"): a pipeline has a label unique among the type's
live pipelines and at least one live stage; stage labels are unique within their
pipeline; every stage's ``metadata`` holds what the type's stages need (tickets:
``ticketState`` OPEN or CLOSED; other keys are not kept). A pipeline or stage that live
records are in cannot be deleted (nor removed by a replace), and the type's default
pipeline (tickets' ``0``) cannot be deleted at all.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, replace

from spoke.domain.instants import now_ms
from spoke.domain.object_types import ObjectType, PipelineModel
from spoke.domain.pipeline_rules import (
    CheckedStage,
    PipelineInput,
    StageInput,
    changed_stage,
    checked_label,
    checked_metadata,
    checked_stages,
    label_key,
    listed,
    match_stages,
    refuse_taken_stage_label,
    with_stage,
)
from spoke.domain.pipelines import (
    CREATE,
    DELETE,
    UPDATE,
    Pipeline,
    PipelineAudit,
    Pipelines,
    Stage,
)
from spoke.domain.search_index import text_key
from spoke.errors import PipelineInUse, ResourceNotFound, ValidationError
from spoke.store.base import Store, Transaction
from spoke.store.search import Comparison, Condition, SearchQuery

#: How many of the records that keep a pipeline or stage in use a refusal names.
NAMED_RECORDS = 10


@dataclass(frozen=True)
class PipelineChanges:
    """A partial update of a pipeline: ``None`` leaves a field as it is."""

    label: str | None = None
    display_order: int | None = None
    archived: bool | None = None


@dataclass(frozen=True)
class StageChanges:
    """A partial update of a stage: ``None`` leaves a field as it is."""

    label: str | None = None
    display_order: int | None = None
    metadata: Mapping[str, str] | None = None
    archived: bool | None = None


def pipeline_not_found(object_type: ObjectType, pipeline_id: str) -> ResourceNotFound:
    return ResourceNotFound(
        f"Unable to find pipeline {pipeline_id} for object type {object_type.label}"
    )


def stage_not_found(
    object_type: ObjectType, pipeline_id: str | None, stage_id: str
) -> ResourceNotFound:
    where = f" in pipeline {pipeline_id}" if pipeline_id is not None else ""
    return ResourceNotFound(
        f"Unable to find stage {stage_id}{where} for object type {object_type.label}"
    )


class PipelineEditor:
    """Changes the pipelines of one object type (one that has pipelines)."""

    def __init__(self, store: Store, object_type: ObjectType) -> None:
        assert object_type.pipelines is not None, object_type.name
        self._store = store
        self._type = object_type
        self._type_id = object_type.type_id
        self._model: PipelineModel = object_type.pipelines

    def _lock(self, tx: Transaction) -> Pipelines:
        return Pipelines(tx.lock_pipelines(self._type_id))

    def _not_found(self, pipeline_id: str) -> ResourceNotFound:
        return pipeline_not_found(self._type, pipeline_id)

    def _save(
        self,
        tx: Transaction,
        pipeline: Pipeline,
        now: int,
        changes: Sequence[tuple[str, str | None]],
    ) -> None:
        """Store ``pipeline`` and record each ``(action, stage id or None)`` it went
        through."""
        tx.save_pipeline(self._type_id, pipeline)
        tx.record_pipeline_audits(
            self._type_id,
            [PipelineAudit(action, now, pipeline, stage_id) for action, stage_id in changes],
        )

    # -- pipelines -------------------------------------------------------------------

    def create(self, given: PipelineInput) -> Pipeline:
        label = checked_label(given.label, "A pipeline")
        stages = checked_stages(self._type, given.stages)
        with self._store.transaction() as tx:
            current = self._lock(tx)
            self._refuse_taken_label(current, label, None)
            ids = tx.allocate_pipeline_ids(1 + len(stages))
            now = now_ms()
            pipeline = Pipeline(
                id=ids[0],
                label=label,
                display_order=given.display_order,
                stages=tuple(
                    Stage(i, s.label, s.display_order, s.metadata, now, now)
                    for i, s in zip(ids[1:], stages, strict=True)
                ),
                created_at=now,
                updated_at=now,
            )
            self._save(tx, pipeline, now, [(CREATE, None), *((CREATE, i) for i in ids[1:])])
        return pipeline

    def replace(self, pipeline_id: str, given: PipelineInput) -> Pipeline:
        """Replace label, display order and stages. A given stage keeps the id of the live
        stage its ``stageId`` names, else of the live stage with its label; live stages
        left over are deleted (archived), unless live records are in them."""
        label = checked_label(given.label, "A pipeline")
        stages = checked_stages(self._type, given.stages)
        with self._store.transaction() as tx:
            current = self._lock(tx)
            stored = current.get(pipeline_id)
            if stored is None:
                raise self._not_found(pipeline_id)
            self._refuse_taken_label(current, label, pipeline_id)
            kept = match_stages(stored, stages)
            removed = [s for s in stored.live_stages if s not in kept.values()]
            self._refuse_in_use(
                stored.id,
                [s.id for s in removed],
                f"Pipeline {stored.id} cannot be replaced without its stages "
                f"{listed(s.id for s in removed)}",
            )
            new_ids = iter(tx.allocate_pipeline_ids(len(stages) - len(kept)))
            now = now_ms()
            changes: list[tuple[str, str | None]] = [(UPDATE, None)]
            result: list[Stage] = []
            for index, given_stage in enumerate(stages):
                old = kept.get(index)
                if old is None:
                    stage = Stage(
                        next(new_ids),
                        given_stage.label,
                        given_stage.display_order,
                        given_stage.metadata,
                        now,
                        now,
                    )
                    changes.append((CREATE, stage.id))
                else:
                    stage = changed_stage(old, given_stage, now)
                    if stage != old:
                        changes.append((UPDATE, stage.id))
                result.append(stage)
            for old in removed:
                result.append(replace(old, archived_at=now, updated_at=now))
                changes.append((DELETE, old.id))
            archived = [s for s in stored.stages if s.archived]
            pipeline = replace(
                stored,
                label=label,
                display_order=given.display_order,
                stages=(*result, *archived),
                updated_at=now,
            )
            self._save(tx, pipeline, now, changes)
        return pipeline

    def update(self, pipeline_id: str, changes: PipelineChanges) -> Pipeline:
        """Change label and display order; ``archived: false`` restores a deleted pipeline
        (and is refused on any other)."""
        with self._store.transaction() as tx:
            current = self._lock(tx)
            stored = current.by_id.get(pipeline_id)
            if stored is None or (stored.archived and changes.archived is not False):
                raise self._not_found(pipeline_id)
            if not stored.archived and changes.archived is not None:
                raise ValidationError(
                    "archived may only be given to restore a deleted pipeline; "
                    f"pipeline {pipeline_id} is not deleted (DELETE it to archive it)"
                )
            label = stored.label
            if changes.label is not None:
                label = checked_label(changes.label, "A pipeline")
            display_order = (
                stored.display_order if changes.display_order is None else changes.display_order
            )
            if (label, display_order, stored.archived) == (
                stored.label,
                stored.display_order,
                False,
            ):
                return stored
            self._refuse_taken_label(current, label, pipeline_id)
            now = now_ms()
            pipeline = replace(
                stored,
                label=label,
                display_order=display_order,
                archived_at=None,
                updated_at=now,
            )
            self._save(tx, pipeline, now, [(UPDATE, None)])
        return pipeline

    def archive(self, pipeline_id: str) -> None:
        """Delete (archive) a pipeline that no live record is in."""
        with self._store.transaction() as tx:
            stored = self._lock(tx).get(pipeline_id)
            if stored is None:
                raise self._not_found(pipeline_id)
            default_id = self._model.default_pipeline_id
            if stored.id == default_id:
                raise ValidationError(
                    f"The default pipeline {default_id} cannot be deleted: {self._type.name} "
                    f"created without {self._model.pipeline_property} go to it"
                )
            self._refuse_in_use(stored.id, None, f"Pipeline {stored.id} cannot be deleted")
            now = now_ms()
            archived = replace(stored, archived_at=now, updated_at=now)
            self._save(tx, archived, now, [(DELETE, None)])

    # -- stages ----------------------------------------------------------------------

    def create_stage(self, pipeline_id: str, given: StageInput) -> Stage:
        (checked,) = checked_stages(self._type, [given])
        with self._store.transaction() as tx:
            stored = self._lock(tx).get(pipeline_id)
            if stored is None:
                raise self._not_found(pipeline_id)
            refuse_taken_stage_label(stored, checked.label, None)
            (stage_id,) = tx.allocate_pipeline_ids(1)
            now = now_ms()
            stage = Stage(
                stage_id, checked.label, checked.display_order, checked.metadata, now, now
            )
            pipeline = replace(stored, stages=(*stored.stages, stage), updated_at=now)
            self._save(tx, pipeline, now, [(CREATE, stage_id)])
        return stage

    def replace_stage(self, pipeline_id: str, stage_id: str, given: StageInput) -> Stage:
        (checked,) = checked_stages(self._type, [given])
        with self._store.transaction() as tx:
            stored, old = self._live_stage(self._lock(tx), pipeline_id, stage_id)
            refuse_taken_stage_label(stored, checked.label, stage_id)
            now = now_ms()
            stage = changed_stage(old, checked, now)
            if stage != old:
                self._save(tx, with_stage(stored, stage, now), now, [(UPDATE, stage_id)])
        return stage

    def update_stage(self, pipeline_id: str, stage_id: str, changes: StageChanges) -> Stage:
        """Change label, display order or metadata; ``archived: false`` restores a deleted
        stage (and is refused on any other)."""
        with self._store.transaction() as tx:
            stored = self._lock(tx).get(pipeline_id)
            old = stored.any_stage(stage_id) if stored is not None else None
            if stored is None or old is None or (old.archived and changes.archived is not False):
                raise stage_not_found(self._type, pipeline_id, stage_id)
            if not old.archived and changes.archived is not None:
                raise ValidationError(
                    "archived may only be given to restore a deleted stage; "
                    f"stage {stage_id} is not deleted (DELETE it to archive it)"
                )
            label = old.label if changes.label is None else checked_label(changes.label, "A stage")
            metadata = old.metadata
            if changes.metadata is not None:
                metadata = checked_metadata(self._type, changes.metadata, label)
            checked = CheckedStage(
                label,
                old.display_order if changes.display_order is None else changes.display_order,
                metadata,
                stage_id,
            )
            refuse_taken_stage_label(stored, checked.label, stage_id)
            now = now_ms()
            stage = replace(changed_stage(old, checked, now), archived_at=None)
            if stage != old:
                stage = replace(stage, updated_at=now)
                self._save(tx, with_stage(stored, stage, now), now, [(UPDATE, stage_id)])
        return stage

    def archive_stage(self, pipeline_id: str, stage_id: str) -> None:
        """Delete (archive) a stage that no live record is in, unless it is the last one."""
        with self._store.transaction() as tx:
            stored, old = self._live_stage(self._lock(tx), pipeline_id, stage_id)
            if len(stored.live_stages) == 1:
                raise ValidationError(
                    f"Stage {stage_id} is the last stage of pipeline {pipeline_id}: "
                    "a pipeline needs at least one stage"
                )
            self._refuse_in_use(
                pipeline_id,
                [stage_id],
                f"Stage {stage_id} of pipeline {pipeline_id} cannot be deleted",
            )
            now = now_ms()
            stage = replace(old, archived_at=now, updated_at=now)
            self._save(tx, with_stage(stored, stage, now), now, [(DELETE, stage_id)])

    # -- audits ----------------------------------------------------------------------

    def _stored(self) -> Pipelines:
        return Pipelines(self._store.pipelines().get(self._type_id, []))

    def pipeline_audits(self, pipeline_id: str) -> list[PipelineAudit]:
        """Changes to the pipeline itself, newest first (deleted pipelines too)."""
        if pipeline_id not in self._stored().by_id:
            raise self._not_found(pipeline_id)
        return self._store.pipeline_audits(self._type_id, pipeline_id)

    def stage_audits(self, stage_id: str) -> list[PipelineAudit]:
        """Changes to the stage, newest first. Stage ids are unique across the type's
        pipelines, so the stage is found by its id alone (HubSpot's Python SDK sends no
        pipeline id)."""
        if self._stored().with_stage(stage_id) is None:
            raise stage_not_found(self._type, None, stage_id)
        return self._store.stage_audits(self._type_id, stage_id)

    # -- shared ----------------------------------------------------------------------

    def _live_stage(
        self, pipelines: Pipelines, pipeline_id: str, stage_id: str
    ) -> tuple[Pipeline, Stage]:
        pipeline = pipelines.get(pipeline_id)
        if pipeline is None:
            raise self._not_found(pipeline_id)
        stage = pipeline.stage(stage_id)
        if stage is None:
            raise stage_not_found(self._type, pipeline_id, stage_id)
        return pipeline, stage

    def _refuse_taken_label(self, pipelines: Pipelines, label: str, own_id: str | None) -> None:
        for other in pipelines.live():
            if other.id != own_id and label_key(other.label) == label_key(label):
                raise ValidationError(
                    f"A {self._type.singular} pipeline labelled '{other.label}' already "
                    f"exists: pipeline {other.id}"
                )

    def _refuse_in_use(
        self, pipeline_id: str, stage_ids: Sequence[str] | None, refusal: str
    ) -> None:
        """Refuse, with ``refusal``, when live records are in the pipeline (or, given
        ``stage_ids``, in those of its stages)."""
        if stage_ids is not None and not stage_ids:
            return
        found = self._live_records_in(pipeline_id, stage_ids, NAMED_RECORDS + 1)
        if found:
            ids = [str(i) for i in found[:NAMED_RECORDS]]
            more = ", ..." if len(found) > NAMED_RECORDS else ""
            where = "it" if stage_ids is None or len(stage_ids) == 1 else "them"
            raise PipelineInUse(
                f"{refusal}: live {self._type.name} are in {where}: "
                f"[{', '.join(ids)}{more}]. Move them to another stage first",
                ids,
            )

    def _live_records_in(
        self, pipeline_id: str, stage_ids: Sequence[str] | None, limit: int
    ) -> list[int]:
        """Ids of up to ``limit`` live records in the pipeline (and, unless ``stage_ids``
        is None, in one of those stages), in id order, from the search index."""
        model = self._model
        pipeline = Condition((model.pipeline_property,), Comparison.EQ, (text_key(pipeline_id),))
        conditions = [pipeline]
        if stage_ids is not None:
            stages = tuple(text_key(s) for s in stage_ids)
            conditions.append(Condition((model.stage_property,), Comparison.IN, stages))
        query = SearchQuery(self._type_id, (tuple(conditions),), limit)
        return self._store.search_objects(query).ids
