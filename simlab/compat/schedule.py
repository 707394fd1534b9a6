"""``@scheduled_task``: Dallinger's clock-process jobs, run by the server when ``clock_on``.

Dallinger registers each decorated function by name and, in its separate clock
process, schedules ``getattr(experiment_class, name)`` with APScheduler (so a
subclass may override a task).  simlab records the same registrations on the
function, collects them from the served class, computes fire times with
APScheduler's own triggers (``interval``, ``cron``, ``date``, with the same
keyword arguments) and runs each job on the trio thread in one store
transaction, as a request runs.
"""

from __future__ import annotations

import inspect
from dataclasses import dataclass
from datetime import datetime
from typing import Any

TASK_ATTRIBUTE = "_simlab_scheduled_tasks"


def scheduled_task(trigger: str, **kwargs: Any) -> Any:
    """Register a function or classmethod of an Experiment as a clock task (Dallinger's decorator)."""

    def decorate(func: Any) -> Any:
        base = getattr(func, "__func__", func)
        base.__dict__.setdefault(TASK_ATTRIBUTE, []).append((trigger, dict(kwargs)))
        return func

    return decorate


@dataclass
class ScheduledJob:
    """One registered task of the served class, with its APScheduler trigger."""

    name: str
    func: Any
    trigger: Any

    def next_fire(self, previous: datetime | None, now: datetime) -> datetime | None:
        return self.trigger.get_next_fire_time(previous, now)


def make_trigger(trigger: str, kwargs: dict[str, Any]) -> Any:
    """APScheduler's trigger for Dallinger's ``trigger`` name and keyword arguments."""
    from apscheduler.triggers.cron import CronTrigger
    from apscheduler.triggers.date import DateTrigger
    from apscheduler.triggers.interval import IntervalTrigger

    kinds = {"interval": IntervalTrigger, "cron": CronTrigger, "date": DateTrigger}
    if trigger not in kinds:
        raise ValueError(f"scheduled_task: unknown trigger {trigger!r} (APScheduler has interval, cron, date)")
    return kinds[trigger](**kwargs)


def scheduled_jobs(experiment_class: type) -> list[ScheduledJob]:
    """The class's scheduled tasks, each looked up by name on the class (subclasses override)."""
    jobs = []
    for name in dir(experiment_class):
        raw = inspect.getattr_static(experiment_class, name, None)
        base = getattr(raw, "__func__", raw)
        for trigger, kwargs in getattr(base, TASK_ATTRIBUTE, ()):
            jobs.append(ScheduledJob(name, getattr(experiment_class, name), make_trigger(trigger, kwargs)))
    return jobs
