"""Study settings: the oTree ``settings.py`` names a study file may define.

A simlab experiment file may define, besides its ``Experiment`` class,
``SESSION_CONFIGS``, ``SESSION_CONFIG_DEFAULTS``, ``ROOMS``,
``REAL_WORLD_CURRENCY_CODE`` and a ``mock_exogenous_data(session)`` function,
written exactly as in an oTree project.  They are validated once, at start, so
that a typo fails with a message naming the key instead of a 500 mid-study.
simlab has no oTree apps: ``app_sequence`` is kept and reported as given, and a
config's group size is its ``players_per_group`` key (default 1).
"""

from __future__ import annotations

import copy
import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ...errors import ConfigError

#: Config and room names appear in URLs (``/demo/<name>``, ``/room/<name>``).
NAME_RULE = re.compile(r"[A-Za-z0-9_]+\Z")
#: oTree's participant labels: letters, digits and underscores.
LABEL_RULE = re.compile(r"\w+\Z", re.ASCII)

#: What oTree puts in every session config before ``SESSION_CONFIG_DEFAULTS``.
BUILTIN_CONFIG_DEFAULTS: dict[str, Any] = {
    "real_world_currency_per_point": 1.0,
    "participation_fee": 0.0,
    "doc": "",
}

#: Fields ``modified_session_config_fields`` may not change (oTree's list).
NON_EDITABLE_FIELDS = ("name", "display_name", "app_sequence", "num_demo_participants", "doc")


def group_size(config: Mapping[str, Any]) -> int:
    """What a session's number of participants must be a multiple of."""
    value = config.get("players_per_group")
    return 1 if value is None else int(value)


def is_count(value: Any) -> bool:
    """An integer >= 1 (``True`` is not a count, although Python says it is an int)."""
    return isinstance(value, int) and not isinstance(value, bool) and value >= 1


@dataclass(frozen=True)
class Room:
    """An oTree room: a fixed URL whose current session participants join."""

    name: str
    display_name: str
    participant_label_file: Path | None = None
    #: The labels of the label file, in file order; None: any label is accepted.
    labels: tuple[str, ...] | None = None
    use_secure_urls: bool = False
    _label_set: frozenset[str] = field(default=frozenset(), repr=False, compare=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "_label_set", frozenset(self.labels or ()))

    def accepts(self, label: str) -> bool:
        """Whether ``label`` may join (a room without a label file accepts any)."""
        return self.labels is None or label in self._label_set


@dataclass(frozen=True)
class StudySettings:
    """The validated study settings of one server (empty when the file defines none)."""

    #: Each config with ``SESSION_CONFIG_DEFAULTS`` filled in, in file order.
    session_configs: tuple[Mapping[str, Any], ...] = ()
    session_config_defaults: Mapping[str, Any] = field(default_factory=dict)
    rooms: tuple[Room, ...] = ()
    real_world_currency_code: str = "USD"
    mock_exogenous_data: Callable[[Any], None] | None = None
    _configs: dict[str, Mapping[str, Any]] = field(default_factory=dict, repr=False, compare=False)
    _rooms: dict[str, Room] = field(default_factory=dict, repr=False, compare=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "_configs", {c["name"]: c for c in self.session_configs})
        object.__setattr__(self, "_rooms", {r.name: r for r in self.rooms})

    def session_config(self, name: str) -> dict[str, Any] | None:
        """A fresh (deep) copy of the config ``name``, or None: sessions own their config."""
        config = self._configs.get(name)
        return copy.deepcopy(dict(config)) if config is not None else None

    def room(self, name: str) -> Room | None:
        return self._rooms.get(name)

    def app_names(self) -> list[str]:
        """Every app named in an ``app_sequence``, in order of first appearance."""
        names: dict[str, None] = {}
        for config in self.session_configs:
            names.update(dict.fromkeys(config.get("app_sequence", ())))
        return list(names)

    @classmethod
    def from_namespace(cls, namespace: Mapping[str, Any], folder: Path) -> StudySettings:
        """Read and validate the study names of a module's namespace (``vars(module)``).

        ``participant_label_file`` paths are relative to ``folder`` (the study file's).
        Raises ConfigError naming the key and the problem.
        """
        defaults = namespace.get("SESSION_CONFIG_DEFAULTS", {})
        if not isinstance(defaults, Mapping):
            raise ConfigError(f"SESSION_CONFIG_DEFAULTS must be a dict, got {type(defaults).__name__}")
        mock = namespace.get("mock_exogenous_data")
        if mock is not None and not callable(mock):
            raise ConfigError(f"mock_exogenous_data must be a function mock_exogenous_data(session), got {mock!r}")
        currency = namespace.get("REAL_WORLD_CURRENCY_CODE", "USD")
        if not isinstance(currency, str) or not currency:
            raise ConfigError(f"REAL_WORLD_CURRENCY_CODE must be a non-empty string such as 'USD', got {currency!r}")
        configs = _read_configs(namespace.get("SESSION_CONFIGS", []), dict(defaults), mock)
        rooms = _read_rooms(namespace.get("ROOMS", []), folder)
        return cls(
            session_configs=tuple(configs),
            session_config_defaults=dict(defaults),
            rooms=tuple(rooms),
            real_world_currency_code=currency,
            mock_exogenous_data=mock,
        )


def _sequence_of_dicts(value: Any, key: str) -> list[Mapping[str, Any]]:
    if not isinstance(value, (list, tuple)):
        raise ConfigError(f"{key} must be a list of dicts, got {type(value).__name__}")
    for i, item in enumerate(value):
        if not isinstance(item, Mapping):
            raise ConfigError(f"{key}[{i}] must be a dict, got {type(item).__name__}: {item!r}")
    return list(value)


def _name_of(item: Mapping[str, Any], where: str) -> str:
    name = item.get("name")
    if not isinstance(name, str) or not NAME_RULE.match(name):
        raise ConfigError(f"{where}: 'name' is required and must contain only letters, digits and underscores, got {name!r}")
    return name


def _read_configs(raw: Any, defaults: dict[str, Any], mock: Any) -> list[dict[str, Any]]:
    configs: list[dict[str, Any]] = []
    seen: set[str] = set()
    for i, item in enumerate(_sequence_of_dicts(raw, "SESSION_CONFIGS")):
        name = _name_of(item, f"SESSION_CONFIGS[{i}]")
        where = f"SESSION_CONFIGS[{i}] ({name!r})"
        if name in seen:
            raise ConfigError(f"{where}: duplicate name {name!r}; session config names must be unique")
        seen.add(name)
        config = copy.deepcopy({**BUILTIN_CONFIG_DEFAULTS, **defaults, **item})
        config.setdefault("display_name", name)
        config.setdefault("app_sequence", [])
        _check_config(config, where, mock)
        configs.append(config)
    return configs


def _check_config(config: dict[str, Any], where: str, mock: Any) -> None:
    """Check the keys simlab reads; custom fields are kept as they are."""
    if not isinstance(config["display_name"], str):
        raise ConfigError(f"{where}: display_name must be a string, got {config['display_name']!r}")
    apps = config["app_sequence"]
    if not isinstance(apps, (list, tuple)) or not all(isinstance(a, str) for a in apps):
        raise ConfigError(f"{where}: app_sequence must be a list of app names (strings), got {apps!r}")
    config["app_sequence"] = list(apps)
    size = config.get("players_per_group")
    if size is not None and not is_count(size):
        raise ConfigError(f"{where}: players_per_group must be an integer >= 1 or None, got {size!r}")
    demo = config.get("num_demo_participants")
    if demo is not None:
        if not is_count(demo):
            raise ConfigError(f"{where}: num_demo_participants must be an integer >= 1, got {demo!r}")
        if demo % group_size(config):
            raise ConfigError(
                f"{where}: num_demo_participants ({demo}) is not a multiple of players_per_group ({group_size(config)})"
            )
    for key in ("real_world_currency_per_point", "participation_fee"):
        value = config[key]
        if isinstance(value, bool) or not isinstance(value, (int, float)):
            raise ConfigError(f"{where}: {key} must be a number, got {value!r}")
    if not isinstance(config["doc"], str):
        raise ConfigError(f"{where}: doc must be a string, got {config['doc']!r}")
    flag = config.get("mock_exogenous_data", False)
    if not isinstance(flag, bool):
        raise ConfigError(f"{where}: mock_exogenous_data must be True or False, got {flag!r}")
    if flag and mock is None:
        raise ConfigError(f"{where}: mock_exogenous_data=True but the study file defines no function mock_exogenous_data(session)")


def _read_rooms(raw: Any, folder: Path) -> list[Room]:
    rooms: list[Room] = []
    seen: set[str] = set()
    for i, item in enumerate(_sequence_of_dicts(raw, "ROOMS")):
        name = _name_of(item, f"ROOMS[{i}]")
        where = f"ROOMS[{i}] ({name!r})"
        if name in seen:
            raise ConfigError(f"{where}: duplicate name {name!r}; room names must be unique")
        seen.add(name)
        display_name = item.get("display_name", name)
        if not isinstance(display_name, str):
            raise ConfigError(f"{where}: display_name must be a string, got {display_name!r}")
        secure = item.get("use_secure_urls", False)
        if not isinstance(secure, bool):
            raise ConfigError(f"{where}: use_secure_urls must be True or False, got {secure!r}")
        label_file = item.get("participant_label_file")
        path: Path | None = None
        labels: tuple[str, ...] | None = None
        if label_file is not None:
            if not isinstance(label_file, (str, Path)):
                raise ConfigError(f"{where}: participant_label_file must be a path, got {label_file!r}")
            path = (folder / label_file).resolve()
            labels = read_labels(path, f"{where}: participant_label_file")
        elif secure:
            # oTree refuses this too: secure URLs are per label.
            raise ConfigError(f"{where}: use_secure_urls=True needs a participant_label_file")
        rooms.append(Room(name, display_name, path, labels, secure))
    return rooms


def read_labels(path: Path, where: str) -> tuple[str, ...]:
    """The labels of a label file, as oTree reads it: one label per line (blank lines
    skipped, surrounding spaces stripped), duplicates dropped, order kept."""
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise ConfigError(f"{where} {str(path)!r} cannot be read: {exc}") from exc
    labels: dict[str, None] = {}
    for number, line in enumerate(text.splitlines(), start=1):
        label = line.strip()
        if not label:
            continue
        if not LABEL_RULE.match(label):
            hint = " (one label per line)" if len(label.split()) > 1 else ""
            raise ConfigError(
                f"{where} {str(path)!r}, line {number}: label {label!r} may contain only letters, digits and underscores{hint}"
            )
        labels[label] = None
    if not labels:
        raise ConfigError(f"{where} {str(path)!r} contains no labels")
    return tuple(labels)
