"""Dallinger's experiment configuration: defaults, overrides, and ``config.txt``.

An experiment sets values in a class attribute ``config = {...}`` and/or a
Dallinger-style ``config.txt`` beside its file; config.txt wins, and the
environment and flags win over both (merged in one place:
``simlab.sources.ExperimentSource.make_config``).
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

#: The types Dallinger registers for the keys a config.txt may name (its ``default_keys``).
KEY_TYPES: dict[str, type] = {
    **dict.fromkeys(
        (
            "ad_group aws_access_key_id aws_region aws_secret_access_key browser_exclude_rule "
            "contact_email_on_error chrome-path dallinger_develop_directory dallinger_email_address "
            "dashboard_password dashboard_user database_size database_url debug_recruiter description "
            "dyno_type dyno_type_web dyno_type_worker ec2_default_pem ec2_default_security_group "
            "EXPERIMENT_CLASS_NAME group_name heroku_app_id_root notification_url heroku_auth_token heroku_python_version "
            "heroku_team heroku_region host id infrastructure_debug_details keywords language logfile mode "
            "mturk_qualification_blocklist mturk_qualification_requirements organization_name "
            "prolific_api_token prolific_api_version prolific_completion_config prolific_completion_codes "
            "prolific_project prolific_recruitment_config prolific_workspace protected_routes recruiter "
            "recruiters redis_size smtp_host smtp_username smtp_password threads title webdriver_type "
            "webdriver_url docker_image_base_name docker_image_name docker_volumes server_pem"
        ).split(),
        str,
    ),
    **dict.fromkeys(
        (
            "websocket_max_message_bytes approve_requirement base_port lifetime prolific_reward_cents loglevel loglevel_worker num_dynos_web num_dynos_worker "
            "port prolific_estimated_completion_minutes prolific_maximum_allowed_minutes question_max_length "
            "docker_worker_cpu_shares"
        ).split(),
        int,
    ),
    **dict.fromkeys("base_payment duration worker_multiplier".split(), float),
    **dict.fromkeys(
        (
            "activate_recruiter_on_start assign_qualifications auto_recruit allow_repeat_worker_ids clock_on disable_browser_autotranslate "
            "disable_when_duration_exceeded enable_global_experiment_registry lock_table_when_creating_participant "
            "prolific_is_custom_screening publish_experiment replay sentry us_only whimsical"
        ).split(),
        bool,
    ),
}
#: Older or environment names Dallinger accepts for a key (its ``register(..., synonyms=...)``).
SYNONYMS: dict[str, str] = {
    "AWS_ACCESS_KEY_ID": "aws_access_key_id",
    "AWS_DEFAULT_REGION": "aws_region",
    "AWS_REGION": "aws_region",
    "aws_default_region": "aws_region",
    "AWS_SECRET_ACCESS_KEY": "aws_secret_access_key",
    "team": "heroku_team",
    "qualification_blacklist": "mturk_qualification_blocklist",
    "PORT": "port",
    "PROLIFIC_RESEARCHER_API_TOKEN": "prolific_api_token",
    "dallinger_email_password": "smtp_password",
}

#: What Dallinger accepts as a config type.
SUPPORTED_TYPES = (bytes, str, int, float, bool)

_BOOLEAN = {
    **dict.fromkeys(("y", "yes", "t", "true", "on", "1"), True),
    **dict.fromkeys(("n", "no", "f", "false", "off", "0"), False),
}


class ConfigValueError(ConfigError):
    """A config value that cannot take its key's type; ``key`` names it."""

    def __init__(self, key: str, value: Any, type_name: str) -> None:
        super().__init__(f"config value {key} = {value!r} is not a valid {type_name}")
        self.key = key


class Config(Mapping[str, Any]):
    """Dallinger configuration values, typed (``config.get("mode")`` works as in Dallinger).

    Keys with a registered type (Dallinger's own keys, plus what an experiment
    registers in ``extra_parameters``) are cast from their config.txt text the way
    Dallinger casts them; a value that cannot be cast is an error naming the key.
    """

    def __init__(
        self,
        values: Mapping[str, Any],
        types: Mapping[str, type] | None = None,
        synonyms: Mapping[str, str] | None = None,
    ) -> None:
        self.types: dict[str, type] = {**KEY_TYPES, **(types or {})}
        self.synonyms: dict[str, str] = {**SYNONYMS, **(synonyms or {})}
        self._values = dict(DEFAULTS)
        for key, value in values.items():
            key = self.canonical(key)
            self._values[key] = self._cast(key, value)

    def canonical(self, key: str) -> str:
        """The key a synonym stands for (``qualification_blacklist`` -> ``mturk_qualification_blocklist``)."""
        return self.synonyms.get(key, key)

    def __getitem__(self, key: str) -> Any:
        return self._values[self.canonical(key)]

    def __contains__(self, key: object) -> bool:
        return isinstance(key, str) and self.canonical(key) in self._values

    def __iter__(self) -> Any:
        return iter(self._values)

    def __len__(self) -> int:
        return len(self._values)

    def get(self, key: str, default: Any = None) -> Any:
        return self._values.get(self.canonical(key), default)

    def register(self, key: str, type_: type, synonyms: Any = None) -> None:
        """Give ``key`` a type (Dallinger's ``config.register``), its synonyms, and cast its current value."""
        if type_ not in SUPPORTED_TYPES:
            raise TypeError(f"{type_} is not a supported type")
        self.types[key] = type_
        for synonym in synonyms or ():
            self.synonyms[synonym] = key
            if synonym in self._values:
                self._values.setdefault(key, self._values.pop(synonym))
        if key in self._values:
            self._values[key] = self._cast(key, self._values[key])

    def set(self, key: str, value: Any) -> None:
        """Set one value at run time (Dallinger's ``config.set``/``extend``)."""
        key = self.canonical(key)
        self._values[key] = self._cast(key, value)

    def _cast(self, key: str, value: Any) -> Any:
        type_ = self.types.get(key)
        if type_ is None or key == "protected_routes":  # simlab keeps the JSON list parsed
            return _coerce(key, value)
        if isinstance(value, str) and type_ is not str:
            text = value.strip()
            try:
                value = _BOOLEAN[text.lower()] if type_ is bool else type_(text)
            except (KeyError, ValueError) as exc:
                raise ConfigValueError(key, value, type_.__name__) from exc
        elif type_ is float and isinstance(value, int) and not isinstance(value, bool):
            value = float(value)
        if value is not None and not isinstance(value, type_):
            raise ConfigValueError(key, value, type_.__name__)
        return value


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
        raise ConfigValueError(key, value, type(default).__name__) from exc
    return value


def read_config_txt(path: Path) -> dict[str, str]:
    """Every key of every section of a Dallinger ``config.txt``."""
    parser = configparser.ConfigParser()
    try:
        parser.read(path, encoding="utf-8")
    except configparser.MissingSectionHeaderError as exc:
        raise ConfigError(
            f"{path}: line {exc.lineno}: {exc.line.strip()!r} comes before any section header "
            "(Dallinger's config.txt starts with a section such as [Experiment])"
        ) from None
    except configparser.Error as exc:
        raise ConfigError(f"{path}: {' '.join(str(exc).split())}") from None
    values: dict[str, str] = {}
    for section in parser.sections():
        values.update(parser.items(section))
    return values
