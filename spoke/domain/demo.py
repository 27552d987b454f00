"""Realistic demo tickets and the owners they are assigned to, for the quick start and
the benchmarks."""

from __future__ import annotations

import itertools
import random
from collections.abc import Iterator, Sequence

from spoke.domain.instants import format_instant, now_ms
from spoke.domain.owners import NewOwner
from spoke.domain.standard_objects.tickets import SUPPORT_PIPELINE

#: The owners a demo portal starts with (the first team named is each one's primary).
DEMO_OWNERS = (
    NewOwner("ada.moreau@example.com", "Ada", "Moreau", ("Support", "Escalations")),
    NewOwner("ben.okafor@example.com", "Ben", "Okafor", ("Support",)),
    NewOwner("chloe.tanaka@example.com", "Chloé", "Tanaka", ("Billing",)),
    NewOwner("dev.patel@example.com", "Dev", "Patel", ("Escalations",)),
    NewOwner("emma.lindqvist@example.com", "Emma", "Lindqvist"),
)

_PRODUCTS = (
    "billing portal",
    "mobile app",
    "API",
    "dashboard",
    "export job",
    "SSO login",
    "invoice PDF",
    "webhook",
    "search",
    "calendar sync",
    "CSV import",
    "email digest",
)
_PROBLEMS = (
    "fails with a timeout",
    "shows the wrong totals",
    "is very slow since Monday",
    "returns error 500",
    "does not load on Safari",
    "drops attachments",
    "logs me out every hour",
    "duplicates records",
    "ignores my time zone",
    "needs a dark mode",
    "charges twice",
    "cannot be configured",
)
_OPENERS = ("Hello team,", "Hi,", "Good morning,", "Dear support,", "Hey there,")
_DETAILS = (
    "It started after the last update.",
    "Several colleagues see the same thing.",
    "We tried clearing the cache and logging in again.",
    "This blocks our month-end close.",
    "Steps: open the page, pick last month, press export.",
    "Our account manager suggested we open a ticket.",
    "A screenshot is attached.",
    "It happens about one time in three.",
)
_PRIORITIES = ("LOW", "MEDIUM", "MEDIUM", "HIGH", "HIGH", "URGENT")
_CATEGORIES = ("PRODUCT_ISSUE", "BILLING_ISSUE", "FEATURE_REQUEST", "GENERAL_INQUIRY")
_SOURCES = ("EMAIL", "EMAIL", "CHAT", "FORM", "PHONE")
_YEAR_MS = 365 * 86_400_000
_DETAIL_TRIPLES = [" ".join(triple) for triple in itertools.permutations(_DETAILS, 3)]
_BATCH = 1000


def demo_tickets(
    count: int, seed: int = 5, owner_ids: Sequence[str] = ()
) -> Iterator[dict[str, str]]:
    """``count`` tickets' property values, the same for the same ``seed``; each ticket is
    assigned to one of ``owner_ids`` (to none when there are none)."""
    rng = random.Random(seed)
    owners = [*owner_ids] or [""]
    now = now_ms()
    stages = [s.id for s in SUPPORT_PIPELINE.stages]
    pipeline = SUPPORT_PIPELINE.id
    # Subjects, per (product, problem), made once.
    subjects = {
        (product, problem): f"{product[0].upper()}{product[1:]} {problem}"
        for product in _PRODUCTS
        for problem in _PROBLEMS
    }
    for start in range(0, count, _BATCH):
        size = min(_BATCH, count - start)
        columns = zip(
            rng.choices(_PRODUCTS, k=size),
            rng.choices(_PROBLEMS, k=size),
            rng.choices(_OPENERS, k=size),
            rng.choices(_DETAIL_TRIPLES, k=size),
            rng.choices(stages, k=size),
            rng.choices(_PRIORITIES, k=size),
            rng.choices(_CATEGORIES, k=size),
            rng.choices(_SOURCES, k=size),
            rng.choices(range(_YEAR_MS), k=size),
            rng.choices(owners, k=size),
            strict=True,
        )
        for (
            product,
            problem,
            opener,
            details,
            stage,
            priority,
            category,
            source,
            age,
            owner,
        ) in columns:
            yield {
                "subject": subjects[product, problem],
                "content": f"{opener} our {product} {problem}. {details}",
                "hs_pipeline": pipeline,
                "hs_pipeline_stage": stage,
                "hs_ticket_priority": priority,
                "hs_ticket_category": category,
                "source_type": source,
                "createdate": format_instant(now - age),
                "hubspot_owner_id": owner,
            }
