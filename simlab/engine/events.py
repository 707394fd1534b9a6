"""Per-run event hooks: clients fire them, stats, progress and reports listen.

An :class:`Events` object belongs to one run and is passed down explicitly; there is
no module-level event bus, so two runs in one process never see each other's
requests.  Listeners are plain synchronous callables: they run inline in the
firing task, must be cheap, and must not block.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Generic, TypeVar

T = TypeVar("T")


@dataclass(frozen=True, slots=True)
class RequestEvent:
    """One HTTP request a bot made.

    ``name`` is the route with ids templated out (``"POST /node/<id>/transmit"``), so
    stats group by route rather than by URL.  ``status`` is ``None`` when no
    response arrived.  ``error`` is ``None`` when the response met the call's
    contract (an expected 403 is not an error).  ``started`` is trio time, and
    ``latency`` is measured in real seconds (see :mod:`simlab.engine.clients`).
    ``stale`` marks a try that failed on a pooled connection the server had
    already closed and was sent again at once: counted apart, not as a request.
    """

    name: str
    method: str
    status: int | None
    latency: float
    error: str | None
    started: float
    bot: int | None = None
    stale: bool = False


@dataclass(frozen=True, slots=True)
class BotEvent:
    """A bot started or stopped.

    ``outcome`` is ``None`` on start, then one of ``"finished"`` (returned or raised
    ``StopBot``), ``"failed"`` (raised anything else) or ``"stopped"`` (cancelled by a
    stop condition).
    """

    bot: int
    population: str
    at: float
    outcome: str | None = None
    error: str | None = None


class EventHook(Generic[T]):
    """A list of listeners called in order with one argument.

    Example::

        events.request.add_listener(lambda event: print(event.name))
    """

    __slots__ = ("_listeners",)

    def __init__(self) -> None:
        self._listeners: list[Callable[[T], object]] = []

    def add_listener(self, listener: Callable[[T], object]) -> Callable[[T], object]:
        """Register ``listener``; return it so this can be used as a decorator."""
        self._listeners.append(listener)
        return listener

    def remove_listener(self, listener: Callable[[T], object]) -> None:
        """Unregister ``listener``; raise ``ValueError`` if it was not registered."""
        self._listeners.remove(listener)

    def fire(self, arg: T) -> None:
        """Call every listener with ``arg``."""
        for listener in self._listeners:
            listener(arg)


class Events:
    """The hooks of one run.

    Attributes:
        request: fired with a :class:`RequestEvent` after every HTTP request.
        bot_started: fired with a :class:`BotEvent` when a bot begins.
        bot_stopped: fired with a :class:`BotEvent` (``outcome`` set) when it ends.
    """

    __slots__ = ("bot_started", "bot_stopped", "request")

    def __init__(self) -> None:
        self.request: EventHook[RequestEvent] = EventHook()
        self.bot_started: EventHook[BotEvent] = EventHook()
        self.bot_stopped: EventHook[BotEvent] = EventHook()
