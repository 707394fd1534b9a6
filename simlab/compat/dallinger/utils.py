"""``dallinger.utils``: the helpers experiments call (ids, fake data, the base URL...).

The deployment helpers of this Dallinger module are absent (see ``simlab.compat.surface``).
"""

from __future__ import annotations

import html
import random
import string
from typing import Any

from faker import Faker

from ...domain.context import current_experiment
from ..config import get_config
from ..surface import module_getattr
from .db import connect_to_redis

#: Dallinger's module-level Faker, for fake names and e-mail addresses.
fake = Faker()


def generate_random_id(size: int = 6, chars: str = string.ascii_uppercase + string.digits) -> str:
    return "".join(random.choice(chars) for _ in range(size))


def get_base_url() -> str:
    """The URL the served experiment is reached at (no trailing slash)."""
    exp = current_experiment()
    if exp is None:
        raise RuntimeError("get_base_url() is used outside an experiment served by simlab")
    return exp.base_url.rstrip("/")


def get_from_config(key: str) -> Any:
    return get_config().get(key)


def struct_to_html(data: Any) -> str:
    """Nested dicts and lists as nested HTML lists (Dallinger's dashboard display of a structure)."""
    if isinstance(data, dict):
        items = "".join(f"<li>{html.escape(str(k))}: {struct_to_html(v)}</li>" for k, v in data.items())
        return f"<ul>{items}</ul>"
    if isinstance(data, (list, tuple)):
        return "<ul>" + "".join(f"<li>{struct_to_html(v)}</li>" for v in data) + "</ul>"
    return html.escape(str(data))


class ClassPropertyDescriptor:
    """A read-only property on the class (Dallinger's ``classproperty``)."""

    def __init__(self, fget: Any) -> None:
        self.fget = fget

    def __get__(self, obj: Any, klass: Any = None) -> Any:
        return self.fget.__get__(obj, klass if klass is not None else type(obj))()


def classproperty(func: Any) -> ClassPropertyDescriptor:
    if not isinstance(func, (classmethod, staticmethod)):
        func = classmethod(func)
    return ClassPropertyDescriptor(func)


__getattr__ = module_getattr(__name__)

__all__ = ["ClassPropertyDescriptor", "connect_to_redis", "classproperty", "fake", "generate_random_id", "get_base_url", "get_config",
           "get_from_config", "struct_to_html"]
