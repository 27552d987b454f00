"""HubSpot's per-app burst limit: N requests in any rolling ten-second window.

Off unless configured (``spoke serve --rate-limit N``, ``create_app(store, rate_limit=N)``).
The counts live in the app object, so each worker process counts on its own: with
``--workers W`` an app may make up to ``W * N`` requests per window in total.

The window is exact: the limiter keeps the instant of each request it let through in
the last ten seconds (at most ``N`` per app), on ``time.monotonic``. A refused request
is not counted, so an app that keeps retrying still gets in as soon as a slot frees.
"""

from __future__ import annotations

import math
import time
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass

#: The rolling window of HubSpot's burst limit (``TEN_SECONDLY_ROLLING``).
WINDOW_SECONDS = 10.0
#: The portal (account) id in a 429's ``groupName``. Spoke serves one account and has
#: no real portal id, so it names this one.
PORTAL_ID = 1

Header = tuple[bytes, bytes]


@dataclass(frozen=True, slots=True)
class Verdict:
    """What the limiter decided about one request."""

    allowed: bool
    #: Requests the app has left in the current window, after this one.
    remaining: int
    #: Whole seconds until a slot frees (at least 1); 0 when the request was allowed.
    retry_after: int


class RateLimiter:
    """Counts requests per app over a rolling window of ``window`` seconds."""

    def __init__(
        self,
        limit: int,
        window: float = WINDOW_SECONDS,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        if limit < 1:
            raise ValueError(f"a rate limit must be at least 1 request, not {limit}")
        self.limit = limit
        self.window = window
        self._clock = clock
        self._recent: dict[int, deque[float]] = {}
        self._next_sweep = clock() + window
        self._fixed_headers: list[Header] = [
            (b"x-hubspot-ratelimit-interval-milliseconds", str(round(window * 1000)).encode()),
            (b"x-hubspot-ratelimit-max", str(limit).encode()),
        ]

    def take(self, app_id: int) -> Verdict:
        """Count one request of ``app_id`` if its window has room."""
        now = self._clock()
        if now >= self._next_sweep:
            self._sweep(now)
        recent = self._recent.get(app_id)
        if recent is None:
            recent = self._recent[app_id] = deque()
        horizon = now - self.window
        while recent and recent[0] <= horizon:
            recent.popleft()
        if len(recent) >= self.limit:
            wait = recent[0] - horizon
            return Verdict(False, 0, max(1, math.ceil(wait)))
        recent.append(now)
        return Verdict(True, self.limit - len(recent), 0)

    def headers(self, verdict: Verdict) -> list[Header]:
        """HubSpot's ``X-HubSpot-RateLimit-*`` headers for a response to ``verdict``."""
        return [
            *self._fixed_headers,
            (b"x-hubspot-ratelimit-remaining", str(verdict.remaining).encode()),
        ]

    def _sweep(self, now: float) -> None:
        """Forget apps with no request in the window, so idle apps cost no memory."""
        horizon = now - self.window
        for app_id in [
            a for a, recent in self._recent.items() if not recent or recent[-1] <= horizon
        ]:
            del self._recent[app_id]
        self._next_sweep = now + self.window
