"""Study settings: the oTree ``settings.py`` names a study file or an oTree project defines.

A simlab experiment file may define, besides its ``Experiment`` class,
``SESSION_CONFIGS``, ``SESSION_CONFIG_DEFAULTS``, ``ROOMS``, ``PARTICIPANT_FIELDS``,
``SESSION_FIELDS``, ``REAL_WORLD_CURRENCY_CODE``, ``DEMO_PAGE_INTRO_HTML`` and a
``mock_exogenous_data(session)`` function, written exactly as in an oTree
project; an oTree project folder's ``settings.py`` is read the same way, with its
apps (``simlab.domain.otree.project``).  They are validated once, at start, so
that a typo fails with a message naming the key instead of a 500 mid-study.

Group sizes: in an oTree project they come from the apps (as in oTree, where a
config's ``players_per_group`` key is just a custom field, echoed like any
other).  A study file has no apps, so there a config's ``players_per_group`` is
simlab's own setting of the group size: taken out of the config, never echoed.
"""

from __future__ import annotations

import copy
import re
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ...errors import ConfigError
from .apps import App, apps_of, lcm_group_size

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
#: A study file's group-size setting (simlab's own: never echoed in a config).
GROUP_SIZE_KEY = "players_per_group"
#: Currencies oTree pays in whole units (otree/settings.py).
WHOLE_UNIT_CURRENCIES = ("KRW", "JPY", "HUF", "IRR", "COP", "VND", "IDR")


def real_world_currency(value: Any, places: int) -> float | int:
    """``value`` as oTree's ``RealWorldCurrency`` serialises it: rounded half-up to
    ``places`` (from the float's exact value, as Decimal.from_float), a float, or an int
    when the currency has no decimal places.  Raises ValueError for a non-number."""
    if isinstance(value, bool):
        raise ValueError(f"{value!r} is not a number")
    try:
        exact = Decimal.from_float(value) if isinstance(value, float) else Decimal(value)
        rounded = exact.quantize(Decimal("0.1") ** places, rounding=ROUND_HALF_UP)
    except (InvalidOperation, TypeError, ValueError):
        raise ValueError(f"{value!r} is not a number") from None
    if not rounded.is_finite():
        raise ValueError(f"{value!r} is not a finite number")
    return int(rounded) if places == 0 else float(rounded)


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
    #: Whether these settings are an oTree project's (its apps known) rather than a study file's.
    project: bool = False
    #: The apps of an oTree project, by name; empty for a study file.
    apps: Mapping[str, App] = field(default_factory=dict)
    participant_fields: tuple[str, ...] = ()
    session_fields: tuple[str, ...] = ()
    demo_page_intro_html: str = ""
    #: A study file's group sizes, by config name (their ``players_per_group``).
    config_group_sizes: Mapping[str, int] = field(default_factory=dict)
    _configs: dict[str, Mapping[str, Any]] = field(default_factory=dict, repr=False, compare=False)
    _rooms: dict[str, Room] = field(default_factory=dict, repr=False, compare=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "_configs", {c["name"]: c for c in self.session_configs})
        object.__setattr__(self, "_rooms", {r.name: r for r in self.rooms})

    @property
    def is_project(self) -> bool:
        return self.project

    @property
    def currency_places(self) -> int:
        """oTree's ``REAL_WORLD_CURRENCY_DECIMAL_PLACES``."""
        return 0 if self.real_world_currency_code in WHOLE_UNIT_CURRENCIES else 2

    def apps_of(self, config: Mapping[str, Any]) -> list[App] | None:
        """The apps of ``config``'s ``app_sequence``, when they are known (an oTree project)."""
        return apps_of(self.apps, config.get("app_sequence", ())) if self.project else None

    def group_size(self, config: Mapping[str, Any], override: int | None = None) -> int:
        """What a session's number of participants must be a multiple of.

        From the apps in an oTree project; in a study file, ``override`` (a
        ``players_per_group`` given when creating the session) or the config's own.
        """
        apps = self.apps_of(config)
        if apps is not None:
            return lcm_group_size(apps)
        if override is not None:
            return override
        return self.config_group_sizes.get(config.get("name", ""), 1)

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
    def from_namespace(
        cls, namespace: Mapping[str, Any], folder: Path, apps: Mapping[str, App] | None = None, *, project: bool = False
    ) -> StudySettings:
        """Read and validate the study names of a module's namespace (``vars(module)``).

        ``participant_label_file`` paths are relative to ``folder`` (the study file's).
        ``project``: these are an oTree project's settings and ``apps`` its apps (group
        sizes come from them).  Raises ConfigError naming the key and the problem.
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
        intro = namespace.get("DEMO_PAGE_INTRO_HTML", "")
        if not isinstance(intro, str):
            raise ConfigError(f"DEMO_PAGE_INTRO_HTML must be a string, got {type(intro).__name__}")
        places = 0 if currency in WHOLE_UNIT_CURRENCIES else 2
        configs = _read_configs(namespace.get("SESSION_CONFIGS", []), dict(defaults), mock, places)
        sizes: dict[str, int] = {}
        for index, config in enumerate(configs):
            known = apps_of(apps or {}, config["app_sequence"]) if project else None
            where = f"SESSION_CONFIGS[{index}] ({config['name']!r})"
            if project and known is None:
                missing = [a for a in config["app_sequence"] if a not in (apps or {})]
                raise ConfigError(f"{where}: app_sequence names {missing[0]!r}, which is not an app of the project")
            if known is None:
                size = config.pop(GROUP_SIZE_KEY, None)
                if size is not None and not is_count(size):
                    raise ConfigError(f"{where}: players_per_group must be an integer >= 1 or None, got {size!r}")
                if size is not None:
                    sizes[config["name"]] = size
            _check_demo_size(config, where, sizes.get(config["name"], 1) if known is None else lcm_group_size(known))
        rooms = _read_rooms(namespace.get("ROOMS", []), folder)
        return cls(
            session_configs=tuple(configs),
            session_config_defaults=dict(defaults),
            rooms=tuple(rooms),
            real_world_currency_code=currency,
            mock_exogenous_data=mock,
            project=project,
            apps=dict(apps or {}),
            participant_fields=_field_names(namespace, "PARTICIPANT_FIELDS"),
            session_fields=_field_names(namespace, "SESSION_FIELDS"),
            demo_page_intro_html=intro,
            config_group_sizes=sizes,
        )


def _field_names(namespace: Mapping[str, Any], key: str) -> tuple[str, ...]:
    """``PARTICIPANT_FIELDS`` / ``SESSION_FIELDS``: a list of names (or a dict: its keys, as oTree takes)."""
    value = namespace.get(key, [])
    if isinstance(value, Mapping):
        value = list(value)
    if not isinstance(value, (list, tuple)) or not all(isinstance(v, str) and v.isidentifier() for v in value):
        raise ConfigError(f"{key} must be a list of field names (identifiers), got {value!r}")
    return tuple(dict.fromkeys(value))


def _check_demo_size(config: Mapping[str, Any], where: str, size: int) -> None:
    demo = config.get("num_demo_participants")
    if demo is not None and demo % size:
        raise ConfigError(f"{where}: num_demo_participants ({demo}) is not a multiple of the group size ({size})")


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


def _read_configs(raw: Any, defaults: dict[str, Any], mock: Any, places: int) -> list[dict[str, Any]]:
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
        # oTree's SessionConfig.clean(): the fee is a RealWorldCurrency (12 -> 12.0)
        config["participation_fee"] = real_world_currency(config["participation_fee"], places)
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
    demo = config.get("num_demo_participants")
    if demo is not None and not is_count(demo):
        raise ConfigError(f"{where}: num_demo_participants must be an integer >= 1, got {demo!r}")
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
