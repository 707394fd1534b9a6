"""gevent on the server's trio thread: an experiment's greenlets, each step atomic.

Dallinger runs every experiment server on gevent, so experiments start loops
beside the requests with ``gevent.spawn``/``Greenlet`` and pace them with
``gevent.sleep``.  simlab keeps the server on trio and does not monkey-patch
anything: instead the trio thread gets a gevent hub of its own (a private libev
loop, not the default one, so no signal handler changes), and a trio task
*pumps* it (``pump``): one ``gevent.idle()`` runs every greenlet that is ready
(its sleep is over, it was just spawned) up to its next gevent yield, then
returns.  Between two yields a greenlet therefore runs synchronously on the trio
thread, exactly like a request's domain work, so everything it does with
``db.session`` and the models is one atomic step: a greenlet trace opens a store
transaction when the hub switches into a greenlet and closes it when the
greenlet yields (commit) or fails (rollback, and the error is logged with the
experiment's traceback lines).

Only gevent's own waits yield: ``time.sleep`` or blocking I/O in a greenlet
stalls the server while it lasts (Dallinger monkey-patches them; simlab does not).
"""

from __future__ import annotations

import contextvars
import functools
import importlib.util
import logging
import threading
import weakref
from contextlib import AbstractContextManager
from typing import Any

from ..domain import context

logger = logging.getLogger("simlab.background")

MISSING = "gevent is not installed: install simlab[dallinger] to run an experiment's greenlets and background tasks"


def available() -> bool:
    """Whether gevent can be imported (it comes with the [dallinger] extra, as it comes with Dallinger)."""
    return importlib.util.find_spec("gevent") is not None


@functools.cache
def hub_class() -> type:
    """The trio thread's hub class: a failing greenlet is logged and its step undone, never fatal.

    Made on first use, so that serving an experiment that never imports gevent never imports it
    (``BackgroundWork`` starts the pump only when ``gevent`` is in ``sys.modules``).
    """
    import greenlet
    from gevent.hub import Hub

    class ExperimentHub(Hub):  # type: ignore[misc,valid-type]
        bridge: Bridge

        def handle_error(self, context_: Any, type_: Any, value: Any, tb: Any) -> None:
            if type_ is None or issubclass(type_, greenlet.GreenletExit):
                return
            self.bridge.failed(context_, (type_, value, tb))

        def handle_system_error(self, type_: Any, value: Any, tb: Any = None) -> None:
            # gevent would throw KeyboardInterrupt/SystemExit into the main greenlet,
            # which is trio's: a task's SystemExit must not stop the server
            logger.error("a background greenlet raised %s", type_.__name__, exc_info=(type_, value, tb))

    return ExperimentHub


class Bridge:
    """The gevent hub of one trio thread and the trace that makes each greenlet step atomic."""

    def __init__(self) -> None:
        import gevent.hub
        import greenlet

        self.hub = hub_class()(default=False)
        self.hub.bridge = self
        self.thread = threading.get_ident()
        #: every greenlet that ran here, so that ``stop`` can end them
        self.greenlets: weakref.WeakSet[Any] = weakref.WeakSet()
        #: the greenlet whose step is open, and that step's transaction
        self._step: tuple[Any, AbstractContextManager[None]] | None = None
        self._failure: tuple[Any, Any, Any] | None = None
        #: the context a greenlet spawned without one runs in (the pumping app's)
        self._pump_context: contextvars.Context | None = None
        self._previous_trace: Any = None
        self.apps = 0
        self._gevent = gevent
        self._greenlet = greenlet
        #: whether the last ``pump`` ran any greenlet (the pump backs off while none does)
        self.ran = False
        gevent.hub.set_hub(self.hub)
        self._previous_trace = greenlet.settrace(self._trace)

    # ------------------------------------------------------------------ steps

    def _trace(self, event: str, args: tuple[Any, Any]) -> None:
        if event in ("switch", "throw"):
            origin, target = args
            if self._step is not None and self._step[0] is origin:
                self._end_step()
            if self._is_task(target):
                self._begin_step(target)
        if self._previous_trace is not None:
            self._previous_trace(event, args)

    def _is_task(self, g: Any) -> bool:
        return g is not self.hub and g.parent is not None and not g.dead

    def _begin_step(self, g: Any) -> None:
        if g.gr_context is None and self._pump_context is not None:
            g.gr_context = self._pump_context.copy()
        self.greenlets.add(g)
        self.ran = True
        exp = g.gr_context.get(context._current) if g.gr_context is not None else None
        if exp is None:
            return
        step = exp.store.transaction()
        step.__enter__()
        self._step = (g, step)
        self._failure = None

    def _end_step(self) -> None:
        assert self._step is not None
        _, step = self._step
        failure, self._step, self._failure = self._failure, None, None
        try:
            if failure is None:
                step.__exit__(None, None, None)
            else:
                step.__exit__(*failure)
        except Exception:
            logger.exception("a background step could not be committed")

    def failed(self, g: Any, exc_info: tuple[Any, Any, Any]) -> None:
        """A greenlet raised: log its traceback; its open step is rolled back when it switches out."""
        name = getattr(g, "name", None) or getattr(getattr(g, "_run", None), "__qualname__", None) or repr(g)
        logger.error("background task %s failed", name, exc_info=exc_info)
        if self._step is not None and self._step[0] is g:
            self._failure = exc_info

    # ------------------------------------------------------------------- pump

    def has_work(self) -> bool:
        """Whether any greenlet is ready or waiting on a gevent timer or watcher."""
        return self.hub.loop.activecnt > 0

    def pump(self) -> None:
        """Run every ready greenlet to its next yield (synchronously, on the trio thread)."""
        self._pump_context = contextvars.copy_context()
        self.ran = False
        try:
            self._gevent.idle()
        finally:
            self._pump_context = None

    def spawn(self, func: Any, *args: Any) -> Any:
        """``gevent.spawn`` in the calling trio task's context (so it serves that task's experiment)."""
        g = self._gevent.Greenlet(func, *args)
        g.gr_context = contextvars.copy_context()
        g.start()
        return g

    def stop_of(self, experiment: Any, timeout: float = 2.0) -> None:
        """End the greenlets that serve ``experiment`` (the hub goes on for the thread's other apps)."""
        from ..domain.context import _current

        mine = [g for g in list(self.greenlets) if not g.dead and g.gr_context is not None and g.gr_context.get(_current) is experiment]
        if mine:
            self._gevent.killall(mine, block=True, timeout=timeout)

    def stop(self, timeout: float = 2.0) -> None:
        """End every greenlet (GreenletExit runs their ``finally`` blocks), then the hub."""
        alive = [g for g in list(self.greenlets) if not g.dead]
        if alive:
            self._gevent.killall(alive, block=True, timeout=timeout)
        self._greenlet.settrace(self._previous_trace)
        self.hub.destroy(destroy_loop=True)
        if _bridges.get(self.thread) is self:
            del _bridges[self.thread]


_bridges: dict[int, Bridge] = {}


def bridge() -> Bridge:
    """The calling (trio) thread's bridge, made on first use."""
    if not available():
        raise RuntimeError(MISSING)
    thread = threading.get_ident()
    found = _bridges.get(thread)
    if found is None:
        found = _bridges[thread] = Bridge()
    return found
