"""Dallinger's experiment configuration: defaults, overrides, and ``config.txt``.

An experiment sets values in a class attribute ``config = {...}`` and/or a
Dallinger-style ``config.txt`` beside its file; the class attribute wins.
"""

from __future__ import annotations

import configparser
import json
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from ..errors import ConfigError

#: The configuration values that change what the API does (spec 7.2), with simlab's defaults.
DEFAULTS: dict[str, Any] = {
    "mode": "debug",
    "recruiter": None,
    "debug_recruiter": "hotair",
    "base_payment": 1.00,
    "allow_repeat_worker_ids": False,
    "lock_table_when_creating_participant": True,
    "assign_qualifications": True,
    "auto_recruit": False,
    "question_max_length": 1000,
    "protected_routes": [],
    "contact_email_on_error": "",
    "generate_tokens": False,
    "browser_exclude_rule": "",
    "title": "Experiment title",
    "description": "",
    "duration": 1.0,
}

_BOOLEAN = {"true": True, "yes": True, "1": True, "on": True, "false": False, "no": False, "0": False, "off": False}


class Config(Mapping[str, Any]):
    """Read-only Dallinger configuration (``config.get("mode")`` works as in Dallinger)."""

    def __init__(self, values: Mapping[str, Any]) -> None:
        self._values = dict(DEFAULTS)
        for key, value in values.items():
            self._values[key] = _coerce(key, value)

    def __getitem__(self, key: str) -> Any:
        return self._values[key]

    def __iter__(self) -> Any:
        return iter(self._values)

    def __len__(self) -> int:
        return len(self._values)

    def get(self, key: str, default: Any = None) -> Any:
        return self._values.get(key, default)


def _coerce(key: str, value: Any) -> Any:
    """Give text values from config.txt the type of the default they replace."""
    default = DEFAULTS.get(key)
    if not isinstance(value, str) or default is None or isinstance(default, str):
        return value
    try:
        if isinstance(default, bool):
            return _BOOLEAN[value.strip().lower()]
        if isinstance(default, int):
            return int(value)
        if isinstance(default, float):
            return float(value)
        if isinstance(default, list):
            parsed = json.loads(value)
            if not isinstance(parsed, list):
                raise ValueError("not a list")
            return parsed
    except (KeyError, ValueError) as exc:
        raise ConfigError(f"config value {key} = {value!r} is not a valid {type(default).__name__}") from exc
    return value


def read_config_txt(path: Path) -> dict[str, str]:
    """Every key of every section of a Dallinger ``config.txt``."""
    parser = configparser.ConfigParser()
    try:
        parser.read(path, encoding="utf-8")
    except configparser.Error as exc:
        raise ConfigError(f"{path}: {exc}") from exc
    values: dict[str, str] = {}
    for section in parser.sections():
        values.update(parser.items(section))
    return values
