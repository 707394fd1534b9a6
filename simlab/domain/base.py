"""What every Dallinger model shares: polymorphic identity, failing with cascades, JSON.

Domain models are the store's rows with Dallinger's behaviour added, so an
experiment's hooks get objects that work like Dallinger's (``node.transmit()``,
``Info(origin=node, contents=...)``), and the store needs no import of the domain.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import Any, ClassVar, Protocol

from ..errors import ModelError
from ..store import ROW_CLASSES

_set = object.__setattr__


class ClassLevelSQL(Protocol):
    """What class-level access to a model's columns gives (installed by ``simlab.compat``)."""

    def column(self, cls: type, name: str) -> Any: ...

    def query(self, cls: type) -> Any: ...


class ModelMeta(type):
    """Metaclass of domain models: class-level column access for SQL-style criteria.

    Dallinger's models are SQLAlchemy classes, so experiments write criteria such
    as ``Info.id == 3`` or hybrid properties whose ``expression`` casts
    ``cls.property2``.  Class-level access to a column name is answered by the
    hook ``sql`` (set by the compatibility layer while it serves an experiment)
    with a column expression.  Instance access never reaches the metaclass, so
    the slotted rows keep their speed.
    """

    sql: ClassVar[ClassLevelSQL | None] = None

    @property
    def query(cls) -> Any:
        """``Model.query``: a query over this class's rows (needs ``simlab.compat``)."""
        if ModelMeta.sql is None:
            raise AttributeError(f"{cls.__name__}.query needs a Dallinger experiment served by simlab")
        return ModelMeta.sql.query(cls)


class _ColumnAttribute:
    """Data descriptor on ``ModelMeta`` for one column name (class-level access only)."""

    __slots__ = ("name",)

    def __init__(self, name: str) -> None:
        self.name = name

    def __get__(self, cls: Any, meta: Any = None) -> Any:
        if cls is None:
            return self
        if ModelMeta.sql is not None and self.name in getattr(cls, "column_set", ()):
            return ModelMeta.sql.column(cls, self.name)
        for klass in cls.__mro__:
            if self.name in klass.__dict__:
                return klass.__dict__[self.name]
        raise AttributeError(f"type object {cls.__name__!r} has no attribute {self.name!r}")

    def __set__(self, cls: Any, value: Any) -> None:
        raise AttributeError(f"{cls.__name__}.{self.name} is a column; it cannot be replaced on the class")


for _name in sorted({c for row in ROW_CLASSES.values() for c in row.columns}):
    setattr(ModelMeta, _name, _ColumnAttribute(_name))


def _declared_identity(cls: type) -> str | None:
    """The polymorphic identity ``cls`` declares itself, or None.

    ``__mapper_args__`` may be a dict in the class body or, as with SQLAlchemy's
    ``declared_attr``, computed per class from a base (``cls.__name__.lower()``).
    """
    identity = cls.__dict__.get("polymorphic_identity")
    for klass in cls.__mro__:
        raw = klass.__dict__.get("__mapper_args__")
        if raw is None:
            continue
        if klass is cls and isinstance(raw, dict):
            mapper = raw
        elif not isinstance(raw, dict) and hasattr(raw, "__get__"):
            mapper = raw.__get__(None, cls)
        else:
            break
        if mapper and "polymorphic_identity" in mapper:
            identity = mapper["polymorphic_identity"]
        break
    return identity


class Model(metaclass=ModelMeta):
    """Mixin for domain models; must come before the row class in the bases."""

    __slots__ = ()

    #: Dallinger's polymorphic identity, stored in the ``type`` column.
    polymorphic_identity: ClassVar[str] = ""
    #: Set by the class that declared the identity (not inherited).
    _declares_identity: ClassVar[bool] = False

    def __init_subclass__(cls, **kwargs: Any) -> None:
        super().__init_subclass__(**kwargs)
        identity = _declared_identity(cls)
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
