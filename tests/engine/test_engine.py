"""The engine under trio's autojump clock: ramps, think times, stop conditions."""

from __future__ import annotations

from typing import Any

import pytest
import trio

from simlab.engine import (
    Bot,
    ClientSource,
    Engine,
    Events,
    Limits,
    Population,
    RunStats,
    StopBot,
    Target,
    between,
    constant,
    plan_arrivals,
    task,
)

from .fakes import FakeApp


@pytest.fixture(name="source")
def _source() -> ClientSource:
    return ClientSource(Target.in_process(FakeApp({"GET /ping": (200, {"ok": True})})))


def make_engine(source: ClientSource, *pops: Population, seed: int = 1, limits: Limits | None = None) -> tuple[Engine, RunStats]:
    events = Events()
    stats = RunStats(origin=trio.current_time()).attach(events)
    return Engine(list(pops), source, seed=seed, events=events, limits=limits), stats


async def test_ramp_starts_bots_at_the_population_rate(source: ClientSource, autojump_clock: Any) -> None:
    starts: list[float] = []

    async def flow(bot: Bot) -> None:
        starts.append(trio.current_time())

    engine, _ = make_engine(source, Population(flow, count=10, rate=2.0, start=1.0))
    t0 = trio.current_time()
    await engine.run()
    assert [round(t - t0, 3) for t in starts] == [1.0 + i * 0.5 for i in range(10)]
    assert engine.statistics().finished == 10


async def test_think_times_and_weighted_tasks(source: ClientSource, autojump_clock: Any) -> None:
    class Pinger(Bot):
        wait_time = constant(2.0)

        async def on_start(self) -> None:
            self.calls = 0

        @task(3)
        async def ping(self) -> None:
            await self.http.get("/ping")
            self.calls += 1
            if self.calls == 4:
                raise StopBot

    engine, stats = make_engine(source, Population(Pinger, count=3))
    t0 = trio.current_time()
    await engine.run()
    # four pings, three 2-second waits between them
    assert trio.current_time() - t0 == pytest.approx(6.0, abs=1e-3)
    assert engine.statistics().finished == 3
    assert all(log.count(("task", "ping")) == 4 for log in engine.decisions.values())


async def test_duration_limit_stops_running_bots_and_runs_on_stop(source: ClientSource, autojump_clock: Any) -> None:
    stopped: list[int] = []

    class Sleeper(Bot):
        wait_time = between(1, 2)

        @task
        async def nap(self) -> None:
            await trio.sleep(0)

        async def on_stop(self) -> None:
            await trio.sleep(0.1)  # shielded grace period still lets this finish
            stopped.append(self.id)

    engine, stats = make_engine(source, Population(Sleeper, count=5, rate=1.0), limits=Limits(duration=10.0))
    t0 = trio.current_time()
    result = await engine.run()
    assert trio.current_time() - t0 == pytest.approx(10.1, abs=1e-3)
    assert (result.started, result.stopped, result.finished, result.active) == (5, 5, 0, 0)
    assert sorted(stopped) == [1, 2, 3, 4, 5]
    assert stats.bots().stopped == 5


async def test_participant_limit_caps_arrivals_in_time_order(source: ClientSource, autojump_clock: Any) -> None:
    seen: list[str] = []

    async def fast(bot: Bot) -> None:
        seen.append(bot.population)

    async def slow(bot: Bot) -> None:
        seen.append(bot.population)

    engine, _ = make_engine(
        source, Population(fast, count=10, rate=10.0), Population(slow, count=10, rate=1.0), limits=Limits(participants=12)
    )
    await engine.run()
    # by t=1.0 fast has started 10 bots and slow 2 (t=0 and t=1.0)
    assert len(seen) == 12
    assert seen.count("fast") == 10 and seen.count("slow") == 2


async def test_finished_limit_cancels_the_rest(source: ClientSource, autojump_clock: Any) -> None:
    async def flow(bot: Bot) -> None:
        await trio.sleep(bot.id)  # bot k finishes at about t = arrival + k

    engine, _ = make_engine(source, Population(flow, count=8), limits=Limits(finished=3))
    await engine.run()
    s = engine.statistics()
    assert (s.finished, s.stopped, s.active) == (3, 5, 0)


async def test_a_failing_bot_is_counted_and_the_run_goes_on(source: ClientSource, autojump_clock: Any) -> None:
    async def flow(bot: Bot) -> None:
        await bot.think(constant(1))
        if bot.id % 2:
            raise RuntimeError(f"bot {bot.id} broke")

    engine, stats = make_engine(source, Population(flow, count=6))
    await engine.run()
    assert (engine.statistics().failed, engine.statistics().finished) == (3, 3)
    assert stats.bot_errors["RuntimeError: bot 1 broke"] == 1


async def test_same_seed_same_decisions_and_personas(source: ClientSource, autojump_clock: Any) -> None:
    class Chooser(Bot):
        wait_time = between(0.1, 3.0)

        @task(1)
        async def left(self) -> None:
            self.decide("persona", (self.persona.name, self.persona.age, self.persona.country))

        @task(5)
        async def right(self) -> None:
            if self.chance("leave", 0.2):
                raise StopBot

    async def run(seed: int) -> dict[int, list[tuple[str, object]]]:
        engine, _ = make_engine(source, Population(Chooser, count=5, rate=3.0), seed=seed, limits=Limits(duration=60))
        await engine.run()
        return engine.decisions

    first, second, other = await run(7), await run(7), await run(8)
    assert first == second
    assert first != other
    assert any(label == "persona" for log in first.values() for label, _ in log)


def test_plan_arrivals_gives_distinct_times_and_stable_ids() -> None:
    async def a(bot: Bot) -> None: ...

    async def b(bot: Bot) -> None: ...

    plan = plan_arrivals([Population(a, 3), Population(b, 2)], Limits())
    assert [p.bot for p in plan] == [1, 2, 3, 4, 5]
    assert len({p.at for p in plan}) == 5
    capped = plan_arrivals([Population(a, 3, rate=1), Population(b, 2)], Limits(participants=3))
    assert sorted(p.bot for p in capped) == [1, 4, 5]


def test_population_validation() -> None:
    async def a(bot: Bot) -> None: ...

    with pytest.raises(ValueError, match="count"):
        Population(a, -1)
    with pytest.raises(ValueError, match="rate"):
        Population(a, 1, rate=0)
    with pytest.raises(ValueError, match="between"):
        between(3, 1)
