"""``dallinger.config.get_config()``: Dallinger's Configuration API over simlab's ``Config``.

While an experiment file loads, ``get_config()`` answers the configuration being
built (so ``extra_parameters`` registers typed keys before config.txt is cast);
afterwards it answers the served experiment's configuration.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from contextvars import ContextVar
from typing import Any

from ..domain import context
from ..domain.config import SUPPORTED_TYPES, Config

_loading: ContextVar[Config | None] = ContextVar("simlab_config_loading", default=None)
_MISSING = object()
LOCAL_CONFIG = "config.txt"


@contextmanager
def loading(config: Config) -> Iterator[Config]:
    """Make ``get_config()`` answer ``config`` inside the block (while a file loads)."""
    token = _loading.set(config)
    try:
        yield config
    finally:
        _loading.reset(token)


class Configuration:
    """Dallinger's ``Configuration``: typed get/register/extend over one ``Config``."""

    SUPPORTED_TYPES = set(SUPPORTED_TYPES)
    ready = True

    def __init__(self, config: Config) -> None:
        object.__setattr__(self, "_config", config)

    @property
    def types(self) -> dict[str, type]:
        return self._config.types

    def get(self, key: str, default: Any = _MISSING) -> Any:
        value = self._config.get(key, _MISSING)
        if value is _MISSING or value is None and key not in self._config:
            if default is _MISSING:
                raise KeyError(
                    f"The following config parameter was not set: {key}. "
                    "Consider setting it in config.txt or in ~/.dallingerconfig."
                )
            return default
        return value.strip() if isinstance(value, str) else value

    def __getitem__(self, key: str) -> Any:
        return self.get(key)

    def __setitem__(self, key: str, value: Any) -> None:
        self._config.set(key, value)

    def __getattr__(self, key: str) -> Any:
        try:
            return self.get(key)
        except KeyError:
            raise AttributeError(key) from None

    def register(
        self, key: str, type_: type, synonyms: Any = None, sensitive: bool = False, validators: Any = None
    ) -> None:
        if key in self._config.types:
            raise KeyError(f"Config key {key} is already registered")
        self._config.register(key, type_)

    def extend(self, mapping: Mapping[str, Any], cast_types: bool = False, strict: bool = False, source: Any = None) -> None:
        for key, value in mapping.items():
            self._config.set(key, value)

    def set(self, key: str, value: Any) -> None:
        self._config.set(key, value)

    def as_dict(self, include_sensitive: bool = False) -> dict[str, Any]:
        return dict(self._config)

    def load(self, strict: bool = True) -> None:
        """simlab loads the configuration with the experiment: nothing left to do."""

    def clear(self) -> None:
        """Kept for API compatibility; simlab's configuration lives as long as its experiment."""


def get_config(load: bool = False) -> Configuration:
    """The configuration of the experiment being loaded or served."""
    config = _loading.get()
    if config is None:
        exp = context.current_experiment()
        if exp is None:
            raise RuntimeError("get_config() is used outside an experiment served by simlab")
        config = exp.config
    return Configuration(config)


def is_valid_json(value: str) -> None:
    import json

    json.loads(value)
