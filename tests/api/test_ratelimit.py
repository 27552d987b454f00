"""Unit tests of ``spoke.api.ratelimit.RateLimiter`` on a fake clock: the window rolls
(it is not a fixed ten-second bucket), ``Retry-After`` is the wait for the oldest
counted request to leave it, apps are counted apart, idle apps are forgotten; and of the
429 body and ``SPOKE_RATE_LIMIT``.
"""

from __future__ import annotations

import pytest

from spoke.api.app import RATE_LIMIT_VARIABLE, rate_limit_from_environment
from spoke.api.ratelimit import RateLimiter, Verdict
from spoke.errors import RateLimited, error_body

APP = 1000001
OTHER_APP = 1000002


class FakeClock:
    def __init__(self, now: float = 5000.0) -> None:
        self.now = now

    def __call__(self) -> float:
        return self.now


@pytest.fixture
def clock() -> FakeClock:
    return FakeClock()


def test_counts_down_then_refuses(clock: FakeClock) -> None:
    limiter = RateLimiter(3, clock=clock)
    assert [limiter.take(APP) for _ in range(3)] == [
        Verdict(True, 2, 0),
        Verdict(True, 1, 0),
        Verdict(True, 0, 0),
    ]
    assert limiter.take(APP) == Verdict(False, 0, 10)


def test_the_window_rolls_one_request_at_a_time(clock: FakeClock) -> None:
    limiter = RateLimiter(2, clock=clock)
    assert limiter.take(APP).allowed  # t = 0
    clock.now += 4
    assert limiter.take(APP).allowed  # t = 4
    clock.now += 2
    assert limiter.take(APP) == Verdict(False, 0, 4)  # t = 6: the first leaves at 10
    clock.now += 3.5
    assert limiter.take(APP) == Verdict(False, 0, 1)  # t = 9.5: half a second, rounded up
    clock.now += 0.5
    assert limiter.take(APP) == Verdict(True, 0, 0)  # t = 10: the first has left
    assert limiter.take(APP) == Verdict(False, 0, 4)  # t = 10: the second leaves at 14
    clock.now += 4
    assert limiter.take(APP) == Verdict(True, 0, 0)  # t = 14


def test_retry_after_is_at_least_one_second(clock: FakeClock) -> None:
    limiter = RateLimiter(1, clock=clock)
    limiter.take(APP)
    clock.now += 9.999
    assert limiter.take(APP) == Verdict(False, 0, 1)


def test_refused_requests_are_not_counted(clock: FakeClock) -> None:
    limiter = RateLimiter(1, clock=clock)
    limiter.take(APP)
    for _ in range(5):
        clock.now += 1
        assert not limiter.take(APP).allowed
    clock.now = 5010.0
    assert limiter.take(APP).allowed


def test_apps_are_counted_apart(clock: FakeClock) -> None:
    limiter = RateLimiter(1, clock=clock)
    assert limiter.take(APP).allowed
    assert not limiter.take(APP).allowed
    assert limiter.take(OTHER_APP) == Verdict(True, 0, 0)


def test_idle_apps_are_forgotten(clock: FakeClock) -> None:
    limiter = RateLimiter(2, clock=clock)
    limiter.take(APP)
    limiter.take(OTHER_APP)
    clock.now += 5
    limiter.take(OTHER_APP)
    clock.now += 6
    limiter.take(OTHER_APP)  # t = 11: the sweep runs; APP has been idle for 11 s
    assert set(limiter._recent) == {OTHER_APP}
    assert limiter.take(APP) == Verdict(True, 1, 0)


def test_headers(clock: FakeClock) -> None:
    limiter = RateLimiter(190, clock=clock)
    assert limiter.headers(limiter.take(APP)) == [
        (b"x-hubspot-ratelimit-interval-milliseconds", b"10000"),
        (b"x-hubspot-ratelimit-max", b"190"),
        (b"x-hubspot-ratelimit-remaining", b"189"),
    ]


@pytest.mark.parametrize("limit", [0, -1])
def test_a_limit_below_one_is_refused(limit: int) -> None:
    with pytest.raises(ValueError, match="at least 1"):
        RateLimiter(limit)


def test_the_429_body_is_hubspots_private_app_body() -> None:
    assert error_body(RateLimited(1234567, 89), "c93e06a4-7d61-4c3e-b63f-edf486fc6e90") == (
        b'{"status":"error","message":"You have reached your ten_secondly_rolling limit.",'
        b'"errorType":"RATE_LIMIT","correlationId":"c93e06a4-7d61-4c3e-b63f-edf486fc6e90",'
        b'"policyName":"TEN_SECONDLY_ROLLING",'
        b'"groupName":"publicapi:private_app-api-calls-ten-secondly:1234567:89"}'
    )
    assert RateLimited(1, 2).status_code == 429


@pytest.mark.parametrize(("raw", "expected"), [(None, None), ("", None), (" 7 ", 7)])
def test_rate_limit_from_environment(
    monkeypatch: pytest.MonkeyPatch, raw: str | None, expected: int | None
) -> None:
    if raw is None:
        monkeypatch.delenv(RATE_LIMIT_VARIABLE, raising=False)
    else:
        monkeypatch.setenv(RATE_LIMIT_VARIABLE, raw)
    assert rate_limit_from_environment() == expected


@pytest.mark.parametrize("raw", ["0", "-3", "ten", "1.5", "²"])
def test_a_bad_rate_limit_in_the_environment_is_refused(
    monkeypatch: pytest.MonkeyPatch, raw: str
) -> None:
    monkeypatch.setenv(RATE_LIMIT_VARIABLE, raw)
    with pytest.raises(ValueError, match=RATE_LIMIT_VARIABLE):
        rate_limit_from_environment()
