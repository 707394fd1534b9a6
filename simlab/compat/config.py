"""``dallinger.config.get_config()``: Dallinger's Configuration API over simlab's ``Config``.

``get_config()`` answers one object, as Dallinger's does, and experiments keep
it in a module global (``config = get_config()`` at import, the cookiecutter
template's way).  It resolves at each use: while an experiment file loads, to
the configuration being built (so ``extra_parameters`` and module-level
``config.register`` type keys before config.txt is cast); afterwards, to the
configuration of the experiment being served.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from contextvars import ContextVar
from typing import Any

from ..domain import context
from ..domain.config import _BOOLEAN, KEY_TYPES, SUPPORTED_TYPES, SYNONYMS, Config

_loading: ContextVar[Config | None] = ContextVar("simlab_config_loading", default=None)
_MISSING = object()
LOCAL_CONFIG = "config.txt"

#: Parts of key names whose values Dallinger keeps out of logs and exports.
SENSITIVE_KEY_NAMES = ("access_id", "access_key", "password", "secret", "token")

#: Dallinger's registrations of its own keys: ``(key, type, synonyms)``.
default_keys = tuple(
    (key, type_, sorted(s for s, k in SYNONYMS.items() if k == key)) for key, type_ in sorted(KEY_TYPES.items())
)


@contextmanager
def loading(config: Config) -> Iterator[Config]:
    """Make ``get_config()`` answer ``config`` inside the block (while a file loads)."""
    token = _loading.set(config)
    try:
        yield config
    finally:
        _loading.reset(token)


def current_config() -> Config:
    """The configuration being loaded, else the served experiment's."""
    config = _loading.get()
    if config is not None:
        return config
    exp = context.current_experiment()
    if exp is None:
        raise RuntimeError("get_config() is used outside an experiment loaded or served by simlab")
    return exp.config


class Configuration:
    """Dallinger's ``Configuration``: typed get/register/extend over a ``Config``.

    Bound to one ``Config``, or (``Configuration()``, what ``get_config()``
    answers) to whichever configuration is current when it is used.
    """

    SUPPORTED_TYPES = set(SUPPORTED_TYPES)
    ready = True

    def __init__(self, config: Config | None = None) -> None:
        object.__setattr__(self, "_bound", config)

    @property
    def _config(self) -> Config:
        return self._bound if self._bound is not None else current_config()

    @property
    def types(self) -> dict[str, type]:
        return self._config.types

    @property
    def synonyms(self) -> dict[str, str]:
        return self._config.synonyms

    def get(self, key: str, default: Any = _MISSING) -> Any:
        config = self._config
        value = config.get(key, _MISSING)
        if value is _MISSING or value is None and key not in config:
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

    def __contains__(self, key: str) -> bool:
        return key in self._config

    def __getattr__(self, key: str) -> Any:
        if key.startswith("_"):  # private and special names are never config keys (copy, pickle, inspect)
            raise AttributeError(key)
        try:
            return self.get(key)
        except KeyError:
            raise AttributeError(key) from None

    def register(
        self, key: str, type_: type, synonyms: Any = None, sensitive: bool = False, validators: Any = None
    ) -> None:
        """Register ``key`` with its type and synonyms (a second registration is a KeyError, as in Dallinger)."""
        config = self._config
        if key in config.types:
            raise KeyError(f"Config key {key} is already registered")
        config.register(key, type_, synonyms)

    def extend(self, mapping: Mapping[str, Any], cast_types: bool = False, strict: bool = False, source: Any = None) -> None:
        config = self._config
        for key, value in mapping.items():
            if strict and config.canonical(key) not in config.types:
                raise KeyError(f"{key} is not a valid configuration key")
            config.set(key, value)

    @contextmanager
    def override(self, mapping: Mapping[str, Any], *args: Any, **kwargs: Any) -> Iterator[Configuration]:
        """Set ``mapping`` inside the block, then put the previous values back."""
        config = self._config
        saved = {config.canonical(k): config.get(k, _MISSING) for k in mapping}
        self.extend(mapping)
        try:
            yield self
        finally:
            for key, value in saved.items():
                if value is _MISSING:
                    config._values.pop(key, None)
                else:
                    config._values[key] = value

    def set(self, key: str, value: Any) -> None:
        self._config.set(key, value)

    def as_dict(self, include_sensitive: bool = False) -> dict[str, Any]:
        values = dict(self._config)
        if not include_sensitive:
            values = {k: v for k, v in values.items() if not any(part in k for part in SENSITIVE_KEY_NAMES)}
        return values

    def load(self, strict: bool = True) -> None:
        """simlab loads the configuration with the experiment: nothing left to do."""

    def clear(self) -> None:
        """Kept for API compatibility; simlab's configuration lives as long as its experiment."""


#: The one configuration object (Dallinger's module global of the same name).
config = Configuration()


def get_config(load: bool = False) -> Configuration:
    """The configuration of the experiment being loaded or served (one object, resolved when used)."""
    return config


def is_valid_json(value: str) -> None:
    import json

    json.loads(value)


def strtobool(value: str) -> bool:
    """``"yes"``/``"on"``/``"1"``... -> True, ``"no"``/``"off"``/``"0"``... -> False; ValueError otherwise."""
    try:
        return _BOOLEAN[str(value).strip().lower()]
    except KeyError:
        raise ValueError(f"invalid truth value {value!r}") from None
