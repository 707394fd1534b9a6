"""What every Dallinger model shares: polymorphic identity, failing with cascades, JSON.

Domain models are the store's rows with Dallinger's behaviour added, so an
experiment's hooks get objects that work like Dallinger's (``node.transmit()``,
``Info(origin=node, contents=...)``), and the store needs no import of the domain.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import Any, ClassVar

from ..errors import ModelError

_set = object.__setattr__


class Model:
    """Mixin for domain models; must come before the row class in the bases."""

    __slots__ = ()

    #: Dallinger's polymorphic identity, stored in the ``type`` column.
    polymorphic_identity: ClassVar[str] = ""
    #: Set by the class that declared the identity (not inherited).
    _declares_identity: ClassVar[bool] = False

    def __init_subclass__(cls, **kwargs: Any) -> None:
        super().__init_subclass__(**kwargs)
        mapper = cls.__dict__.get("__mapper_args__")
        identity = cls.__dict__.get("polymorphic_identity")
        if mapper and "polymorphic_identity" in mapper:
            identity = mapper["polymorphic_identity"]
        cls._declares_identity = identity is not None
        if identity is not None:
            cls.polymorphic_identity = identity

    def _failure_cascade(self) -> Iterable[Callable[[], Iterable[Any]]]:
        """Getters of what failing this object fails too, evaluated one after another."""
        return ()

    def fail(self, reason: str | None = None) -> None:
        """Fail this object and, recursively, what depends on it (spec section 6.1).

        The children get the reason ``"{reason or ''}->{ClassName}{id}"`` so the
        chain of causes reads like ``"Too many bananas->Network1->Node4"``.
        """
        if self.failed:  # type: ignore[attr-defined]
            raise ModelError(f"Cannot fail {self} - it has already failed.")
        self.failed = True  # type: ignore[attr-defined]
        self.failed_reason = reason  # type: ignore[attr-defined]
        self.time_of_death = self._store.now()  # type: ignore[attr-defined]
        child_reason = f"{reason or ''}->{type(self).__name__}{self.id}"  # type: ignore[attr-defined]
        for getter in self._failure_cascade():
            for obj in list(getter()):
                if not obj.failed:
                    obj.fail(child_reason)

    def _shared_json(self) -> dict[str, Any]:
        row: Any = self
        return {
            "id": row.id,
            "creation_time": row.creation_time,
            "failed": row.failed,
            "failed_reason": row.failed_reason,
            "time_of_death": row.time_of_death,
            "property1": row.property1,
            "property2": row.property2,
            "property3": row.property3,
            "property4": row.property4,
            "property5": row.property5,
            "details": row.details,
        }


def flatten(items: Iterable[Any]) -> list[Any]:
    """Flatten nested lists and tuples, as Dallinger's ``Node.flatten`` does."""
    out: list[Any] = []
    for item in items:
        if isinstance(item, (list, tuple)):
            out.extend(flatten(item))
        else:
            out.append(item)
    return out


def check_failed_filter(failed: object) -> None:
    if failed not in ("all", True, False):
        raise ModelError(f"{failed} is not a valid failed value. Should be True, False or 'all'.")


def matches_failed(row: Any, failed: object) -> bool:
    return failed == "all" or row.failed == failed


def subclasses(root: type) -> list[type]:
    """``root`` and every class derived from it, depth first."""
    out = [root]
    for sub in root.__subclasses__():
        out.extend(c for c in subclasses(sub) if c not in out)
    return out
