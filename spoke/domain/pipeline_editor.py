"""Changing ticket pipelines and their stages, with HubSpot's rules (the pipelines API).

Every change is one transaction: it locks the pipelines (pipeline writers run one at a
time, and the definitions version moves, so every worker reloads them once it commits),
checks the change against the stored pipelines, saves the changed pipeline whole and
appends what it did to the audit log. Deleting archives: the pipeline or stage leaves
every list and may be restored (``PATCH`` with ``archived: false``), and its audit stays.

Rules (docs/behaviour.md, "Pipelines"): a pipeline has a label unique among the live
pipelines and at least one live stage; stage labels are unique within their pipeline;
every stage has ``metadata.ticketState`` OPEN or CLOSED. A pipeline or stage that live
tickets are in cannot be deleted (nor removed by a replace), and the default pipeline
``0`` cannot be deleted at all.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, replace

from spoke.domain.instants import now_ms
from spoke.domain.pipelines import (
    CREATE,
    DEFAULT_PIPELINE_ID,
    DELETE,
    TICKET_STATES,
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

#: How many of the tickets that keep a pipeline or stage in use a refusal names.
NAMED_TICKETS = 10


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


def pipeline_not_found(pipeline_id: str) -> ResourceNotFound:
    return ResourceNotFound(f"Unable to find pipeline {pipeline_id} for object type TICKET")


def stage_not_found(pipeline_id: str | None, stage_id: str) -> ResourceNotFound:
    where = f" in pipeline {pipeline_id}" if pipeline_id is not None else ""
    return ResourceNotFound(f"Unable to find stage {stage_id}{where} for object type TICKET")


@dataclass(frozen=True)
class _CheckedStage:
    label: str
    display_order: int
    ticket_state: str
    stage_id: str | None

    @property
    def metadata(self) -> dict[str, str]:
        return {"ticketState": self.ticket_state}


class PipelineEditor:
    def __init__(self, store: Store) -> None:
        self._store = store

    # -- pipelines -------------------------------------------------------------------

    def create(self, given: PipelineInput) -> Pipeline:
        label = _checked_label(given.label, "A pipeline")
        stages = _checked_stages(given.stages)
        with self._store.transaction() as tx:
            current = Pipelines(tx.lock_pipelines())
            _refuse_taken_label(current, label, None)
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
            _save(tx, pipeline, now, [(CREATE, None), *((CREATE, i) for i in ids[1:])])
        return pipeline

    def replace(self, pipeline_id: str, given: PipelineInput) -> Pipeline:
        """Replace label, display order and stages. A given stage keeps the id of the live
        stage its ``stageId`` names, else of the live stage with its label; live stages
        left over are deleted (archived), unless live tickets are in them."""
        label = _checked_label(given.label, "A pipeline")
        stages = _checked_stages(given.stages)
        with self._store.transaction() as tx:
            current = Pipelines(tx.lock_pipelines())
            stored = current.get(pipeline_id)
            if stored is None:
                raise pipeline_not_found(pipeline_id)
            _refuse_taken_label(current, label, pipeline_id)
            kept = _match_stages(stored, stages)
            removed = [s for s in stored.live_stages if s not in kept.values()]
            self._refuse_in_use(
                stored.id,
                [s.id for s in removed],
                f"Pipeline {stored.id} cannot be replaced without its stages "
                f"{_listed(s.id for s in removed)}",
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
                    stage = _changed_stage(old, given_stage, now)
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
            _save(tx, pipeline, now, changes)
        return pipeline

    def update(self, pipeline_id: str, changes: PipelineChanges) -> Pipeline:
        """Change label and display order; ``archived: false`` restores a deleted pipeline
        (and is refused on any other)."""
        with self._store.transaction() as tx:
            current = Pipelines(tx.lock_pipelines())
            stored = current.by_id.get(pipeline_id)
            if stored is None or (stored.archived and changes.archived is not False):
                raise pipeline_not_found(pipeline_id)
            if not stored.archived and changes.archived is not None:
                raise ValidationError(
                    "archived may only be given to restore a deleted pipeline; "
                    f"pipeline {pipeline_id} is not deleted (DELETE it to archive it)"
                )
            label = stored.label
            if changes.label is not None:
                label = _checked_label(changes.label, "A pipeline")
            display_order = (
                stored.display_order if changes.display_order is None else changes.display_order
            )
            if (label, display_order, stored.archived) == (
                stored.label,
                stored.display_order,
                False,
            ):
                return stored
            _refuse_taken_label(current, label, pipeline_id)
            now = now_ms()
            pipeline = replace(
                stored,
                label=label,
                display_order=display_order,
                archived_at=None,
                updated_at=now,
            )
            _save(tx, pipeline, now, [(UPDATE, None)])
        return pipeline

    def archive(self, pipeline_id: str) -> None:
        """Delete (archive) a pipeline that no live ticket is in."""
        with self._store.transaction() as tx:
            stored = Pipelines(tx.lock_pipelines()).get(pipeline_id)
            if stored is None:
                raise pipeline_not_found(pipeline_id)
            if stored.id == DEFAULT_PIPELINE_ID:
                raise ValidationError(
                    f"The default pipeline {DEFAULT_PIPELINE_ID} cannot be deleted: tickets "
                    "created without hs_pipeline go to it"
                )
            self._refuse_in_use(stored.id, None, f"Pipeline {stored.id} cannot be deleted")
            now = now_ms()
            _save(tx, replace(stored, archived_at=now, updated_at=now), now, [(DELETE, None)])

    # -- stages ----------------------------------------------------------------------

    def create_stage(self, pipeline_id: str, given: StageInput) -> Stage:
        (checked,) = _checked_stages([given])
        with self._store.transaction() as tx:
            stored = Pipelines(tx.lock_pipelines()).get(pipeline_id)
            if stored is None:
                raise pipeline_not_found(pipeline_id)
            _refuse_taken_stage_label(stored, checked.label, None)
            (stage_id,) = tx.allocate_pipeline_ids(1)
            now = now_ms()
            stage = Stage(
                stage_id, checked.label, checked.display_order, checked.metadata, now, now
            )
            pipeline = replace(stored, stages=(*stored.stages, stage), updated_at=now)
            _save(tx, pipeline, now, [(CREATE, stage_id)])
        return stage

    def replace_stage(self, pipeline_id: str, stage_id: str, given: StageInput) -> Stage:
        (checked,) = _checked_stages([given])
        with self._store.transaction() as tx:
            stored, old = _live_stage(Pipelines(tx.lock_pipelines()), pipeline_id, stage_id)
            _refuse_taken_stage_label(stored, checked.label, stage_id)
            now = now_ms()
            stage = _changed_stage(old, checked, now)
            if stage != old:
                _save(tx, _with_stage(stored, stage, now), now, [(UPDATE, stage_id)])
        return stage

    def update_stage(self, pipeline_id: str, stage_id: str, changes: StageChanges) -> Stage:
        """Change label, display order or metadata; ``archived: false`` restores a deleted
        stage (and is refused on any other)."""
        with self._store.transaction() as tx:
            stored = Pipelines(tx.lock_pipelines()).get(pipeline_id)
            old = stored.any_stage(stage_id) if stored is not None else None
            if stored is None or old is None or (old.archived and changes.archived is not False):
                raise stage_not_found(pipeline_id, stage_id)
            if not old.archived and changes.archived is not None:
                raise ValidationError(
                    "archived may only be given to restore a deleted stage; "
                    f"stage {stage_id} is not deleted (DELETE it to archive it)"
                )
            label = old.label if changes.label is None else _checked_label(changes.label, "A stage")
            ticket_state = old.metadata["ticketState"]
            if changes.metadata is not None:
                ticket_state = _ticket_state(changes.metadata, label)
            checked = _CheckedStage(
                label,
                old.display_order if changes.display_order is None else changes.display_order,
                ticket_state,
                stage_id,
            )
            _refuse_taken_stage_label(stored, checked.label, stage_id)
            now = now_ms()
            stage = replace(_changed_stage(old, checked, now), archived_at=None)
            if stage != old:
                stage = replace(stage, updated_at=now)
                _save(tx, _with_stage(stored, stage, now), now, [(UPDATE, stage_id)])
        return stage

    def archive_stage(self, pipeline_id: str, stage_id: str) -> None:
        """Delete (archive) a stage that no live ticket is in, unless it is the last one."""
        with self._store.transaction() as tx:
            stored, old = _live_stage(Pipelines(tx.lock_pipelines()), pipeline_id, stage_id)
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
            _save(tx, _with_stage(stored, stage, now), now, [(DELETE, stage_id)])

    # -- audits ----------------------------------------------------------------------

    def pipeline_audits(self, pipeline_id: str) -> list[PipelineAudit]:
        """Changes to the pipeline itself, newest first (deleted pipelines too)."""
        if pipeline_id not in Pipelines(self._store.pipelines()).by_id:
            raise pipeline_not_found(pipeline_id)
        return self._store.pipeline_audits(pipeline_id)

    def stage_audits(self, stage_id: str) -> list[PipelineAudit]:
        """Changes to the stage, newest first. Stage ids are unique across pipelines, so
        the stage is found by its id alone (HubSpot's Python SDK sends no pipeline id)."""
        if Pipelines(self._store.pipelines()).with_stage(stage_id) is None:
            raise stage_not_found(None, stage_id)
        return self._store.stage_audits(stage_id)

    # -- shared ----------------------------------------------------------------------

    def _refuse_in_use(
        self, pipeline_id: str, stage_ids: Sequence[str] | None, refusal: str
    ) -> None:
        """Refuse, with ``refusal``, when live tickets are in the pipeline (or, given
        ``stage_ids``, in those of its stages)."""
        if stage_ids is not None and not stage_ids:
            return
        found = _live_tickets_in(self._store, pipeline_id, stage_ids, NAMED_TICKETS + 1)
        if found:
            ids = [str(i) for i in found[:NAMED_TICKETS]]
            more = ", ..." if len(found) > NAMED_TICKETS else ""
            where = "it" if stage_ids is None or len(stage_ids) == 1 else "them"
            raise PipelineInUse(
                f"{refusal}: live tickets are in {where}: [{', '.join(ids)}{more}]. "
                "Move them to another stage first",
                ids,
            )


def _live_tickets_in(
    store: Store, pipeline_id: str, stage_ids: Sequence[str] | None, limit: int
) -> list[int]:
    """Ids of up to ``limit`` live tickets in the pipeline (and, unless ``stage_ids`` is
    None, in one of those stages), in id order, from the search index."""
    conditions = [Condition(("hs_pipeline",), Comparison.EQ, (text_key(pipeline_id),))]
    if stage_ids is not None:
        stages = tuple(text_key(s) for s in stage_ids)
        conditions.append(Condition(("hs_pipeline_stage",), Comparison.IN, stages))
    return store.search_tickets(SearchQuery((tuple(conditions),), limit)).ids


def _checked_label(label: str, what: str) -> str:
    if not label.strip():
        raise ValidationError(f"{what} needs a label that is not blank")
    if "\x00" in label:
        raise ValidationError(f"{what} label may not contain the character U+0000")
    return label


def _label_key(label: str) -> str:
    return label.strip().casefold()


def _ticket_state(metadata: Mapping[str, str], label: str) -> str:
    state = metadata.get("ticketState")
    if state is None:
        raise ValidationError(
            f"Stage '{label}' has no metadata.ticketState: every stage of a ticket pipeline "
            "needs ticketState OPEN or CLOSED"
        )
    if state not in TICKET_STATES:
        raise ValidationError(
            f"Invalid ticketState '{state}' for stage '{label}': it must be OPEN or CLOSED"
        )
    return state


def _checked_stages(given: Sequence[StageInput]) -> list[_CheckedStage]:
    if not given:
        raise ValidationError("A pipeline needs at least one stage")
    seen: set[str] = set()
    checked: list[_CheckedStage] = []
    for stage in given:
        label = _checked_label(stage.label, "A stage")
        if _label_key(label) in seen:
            raise ValidationError(
                f"Stage labels must be unique within a pipeline: '{label}' is given twice"
            )
        seen.add(_label_key(label))
        state = _ticket_state(stage.metadata, label)
        checked.append(_CheckedStage(label, stage.display_order, state, stage.stage_id))
    return checked


def _refuse_taken_label(pipelines: Pipelines, label: str, own_id: str | None) -> None:
    for other in pipelines.live():
        if other.id != own_id and _label_key(other.label) == _label_key(label):
            raise ValidationError(
                f"A ticket pipeline labelled '{other.label}' already exists: pipeline {other.id}"
            )


def _refuse_taken_stage_label(pipeline: Pipeline, label: str, own_id: str | None) -> None:
    for other in pipeline.live_stages:
        if other.id != own_id and _label_key(other.label) == _label_key(label):
            raise ValidationError(
                f"Pipeline {pipeline.id} already has a stage labelled '{other.label}': "
                f"stage {other.id}"
            )


def _match_stages(stored: Pipeline, given: Sequence[_CheckedStage]) -> dict[int, Stage]:
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
            (s for s in unmatched.values() if _label_key(s.label) == _label_key(stage.label)),
            None,
        )
        if same is not None:
            kept[index] = unmatched.pop(same.id)
    return kept


def _changed_stage(old: Stage, given: _CheckedStage, now: int) -> Stage:
    """``old`` with the label, display order and ticket state given (touched if changed)."""
    new = replace(
        old, label=given.label, display_order=given.display_order, metadata=given.metadata
    )
    return new if new == old else replace(new, updated_at=now)


def _live_stage(pipelines: Pipelines, pipeline_id: str, stage_id: str) -> tuple[Pipeline, Stage]:
    pipeline = pipelines.get(pipeline_id)
    if pipeline is None:
        raise pipeline_not_found(pipeline_id)
    stage = pipeline.stage(stage_id)
    if stage is None:
        raise stage_not_found(pipeline_id, stage_id)
    return pipeline, stage


def _with_stage(pipeline: Pipeline, stage: Stage, now: int) -> Pipeline:
    stages = tuple(stage if s.id == stage.id else s for s in pipeline.stages)
    return replace(pipeline, stages=stages, updated_at=now)


def _listed(ids: Iterable[str]) -> str:
    return "[" + ", ".join(ids) + "]"


def _save(
    tx: Transaction, pipeline: Pipeline, now: int, changes: Sequence[tuple[str, str | None]]
) -> None:
    """Store ``pipeline`` and record each ``(action, stage id or None)`` it went through."""
    tx.save_pipeline(pipeline)
    tx.record_pipeline_audits(
        [PipelineAudit(action, now, pipeline, stage_id) for action, stage_id in changes]
    )
