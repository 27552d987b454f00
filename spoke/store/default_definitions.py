"""The standard property groups and default pipelines of object types, written into a
database when it lacks them (by ``Store.migrate``, for every standard object type).

Their one source is the object types' data (``spoke.domain.standard_objects``), not the
SQL migrations: a type added to Spoke gets its groups and pipelines in every database,
new or old, the next time it is migrated. What is there already is left as it is (a
group or pipeline the portal changed or archived stays so), so migrating is idempotent,
and two processes migrating at once write each one once.
"""

from __future__ import annotations

import contextlib
from collections.abc import Sequence

from spoke.domain.object_types import ObjectType
from spoke.domain.standard_objects import STANDARD_OBJECT_TYPES
from spoke.store.base import PropertyGroupExists, Store


def install_default_definitions(
    store: Store, object_types: Sequence[ObjectType] = STANDARD_OBJECT_TYPES
) -> None:
    """Store the standard groups and default pipelines of ``object_types`` that the
    database has not got (each in its own transaction, which moves the definitions
    version); nothing at all when it has them all."""
    stored_pipelines = store.pipelines()
    for object_type in object_types:
        type_id = object_type.type_id
        groups = {g.name for g in store.property_groups(type_id)}
        for group in object_type.groups:
            if group.name not in groups:
                with contextlib.suppress(PropertyGroupExists):  # another process stored it
                    store.insert_property_group(type_id, group)
        model = object_type.pipelines
        if model is None:
            continue
        stored = {p.id for p in stored_pipelines.get(type_id, [])}
        if all(p.id in stored for p in model.defaults):
            continue
        with store.transaction() as tx:
            stored = {p.id for p in tx.lock_pipelines(type_id)}
            for pipeline in model.defaults:
                if pipeline.id not in stored:
                    tx.save_pipeline(type_id, pipeline)
