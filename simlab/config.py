"""Settings: one frozen object for a server, built from defaults, env and flags.

Environment variables keep the ecosystems' names where they exist
(``OTREE_REST_KEY``, ``OTREE_AUTH_LEVEL``, ``OTREE_ADMIN_PASSWORD``) plus
``SIMLAB_*`` for simlab's own.  Settings are passed down, never read globally.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass, fields, replace
from pathlib import Path
from typing import Any

from .domain.admission import Limits
from .errors import ConfigError

AUTH_LEVELS = ("", "DEMO", "STUDY")

#: Settings read from ``SIMLAB_<NAME>`` (seconds or bytes); each must be positive.
_NUMBERS_FROM_ENV: dict[str, type] = {
    "keep_alive_timeout": float,
    "body_timeout": float,
    "read_timeout": float,
    "websocket_max_message_bytes": int,
    "chat_subscriber_bytes": int,
    "max_value_bytes": int,
    "participant_bytes_per_minute": int,
    "address_bytes_per_minute": int,
    "memory_high_water_bytes": int,
}
#: Limits that 0 turns off; every other number must be positive.
_MAY_BE_ZERO = ("max_value_bytes", "participant_bytes_per_minute", "address_bytes_per_minute", "memory_high_water_bytes")
_POSITIVE = tuple(name for name in _NUMBERS_FROM_ENV if name not in _MAY_BE_ZERO)


@dataclass(frozen=True)
class Settings:
    """How a simlab server runs."""

    host: str = "127.0.0.1"
    port: int = 5000
    #: Keep state in memory only (no durable journal).
    in_memory: bool = True
    data_dir: Path = Path("simlab-data")
    #: Seed of the experiment's random choices (network choice, recruiter ids).
    seed: int | None = None
    otree_auth_level: str = ""
    otree_rest_key: str | None = None
    admin_password: str | None = None
    #: Request bodies larger than this are refused with 413.
    max_body_bytes: int = 1 << 20
    #: Answer the hottest success cases without Quart (see ``simlab.web.dallinger.fastpath``).
    fast_path: bool = True
    #: Seconds between freezing long-lived objects out of GC scans while serving (0: never).
    gc_freeze_interval: float = 10.0
    #: Seconds a connection may take to send a request's headers, counted from its previous
    #: response (or from connecting); also how long an idle keep-alive connection stays open.
    keep_alive_timeout: float = 75.0
    #: Seconds a request's whole body may take to arrive once its headers did (then 408, closed).
    body_timeout: float = 30.0
    #: Seconds a connection may send nothing while a request is handled or a response is written
    #: (a client that neither reads nor sends is closed); websockets are pinged well within it.
    read_timeout: float = 120.0
    #: Largest websocket message accepted or relayed, in bytes (experiment key ``websocket_max_message_bytes``).
    websocket_max_message_bytes: int = 1 << 20
    #: Bytes a ``/chat`` subscriber may have queued and unsent before it is dropped (close code 1008).
    chat_subscriber_bytes: int = 4 << 20
    #: Largest text or JSON value a client may store in one column (413 past it; 0: no limit).
    max_value_bytes: int = 256 * 1024
    #: Bytes one participant may store per minute (429 with Retry-After past it; 0: no limit).
    participant_bytes_per_minute: int = 4 << 20
    #: Bytes one client address may store per minute, loopback exempt (429 past it; 0: no limit).
    address_bytes_per_minute: int = 16 << 20
    #: Resident memory past which writes get 503 with Retry-After (0: 80% of the RAM or cgroup limit).
    memory_high_water_bytes: int = 0
    #: Take the client address from ``X-Forwarded-For`` (one trusted proxy in front, e.g. nginx).
    behind_proxy: bool = False

    def __post_init__(self) -> None:
        if self.otree_auth_level not in AUTH_LEVELS:
            raise ConfigError(
                f"OTREE_AUTH_LEVEL must be one of {', '.join(repr(a) for a in AUTH_LEVELS)}, got {self.otree_auth_level!r}"
            )
        if not (0 <= self.port < 65536):
            raise ConfigError(f"port must be between 0 and 65535, got {self.port}")
        if self.max_body_bytes <= 0:
            raise ConfigError(f"max_body_bytes must be positive, got {self.max_body_bytes}")
        for name in _POSITIVE:
            if not getattr(self, name) > 0:
                raise ConfigError(f"{name} must be positive, got {getattr(self, name)}")
        for name in _MAY_BE_ZERO:
            if getattr(self, name) < 0:
                raise ConfigError(f"{name} must be 0 (no limit) or positive, got {getattr(self, name)}")

    def limits(self) -> Limits:
        """The admission limits (``simlab.domain.admission``)."""
        return Limits(self.max_value_bytes, self.participant_bytes_per_minute, self.address_bytes_per_minute, self.memory_high_water_bytes)

    @property
    def base_url(self) -> str:
        return f"http://{self.host}:{self.port}"

    def with_values(self, **values: Any) -> Settings:
        """A copy with ``values`` replaced; None values are left out (flags not given)."""
        known = {f.name for f in fields(self)}
        unknown = set(values) - known
        if unknown:
            raise ConfigError(f"unknown setting(s): {', '.join(sorted(unknown))}")
        return replace(self, **{k: v for k, v in values.items() if v is not None})

    @classmethod
    def from_env(cls, environ: Mapping[str, str] | None = None) -> Settings:
        """Defaults overridden by the environment."""
        env = os.environ if environ is None else environ
        values: dict[str, Any] = {}
        if "OTREE_AUTH_LEVEL" in env:
            values["otree_auth_level"] = env["OTREE_AUTH_LEVEL"].strip().upper()
        if env.get("OTREE_REST_KEY"):
            values["otree_rest_key"] = env["OTREE_REST_KEY"]
        if env.get("OTREE_ADMIN_PASSWORD"):
            values["admin_password"] = env["OTREE_ADMIN_PASSWORD"]
        if env.get("SIMLAB_DATA_DIR"):
            values["data_dir"] = Path(env["SIMLAB_DATA_DIR"])
        if env.get("SIMLAB_BEHIND_PROXY", "").strip().lower() in ("1", "true", "yes", "on"):
            values["behind_proxy"] = True
        if env.get("SIMLAB_FAST_PATH", "").strip().lower() in ("0", "false", "no", "off"):
            values["fast_path"] = False
        if env.get("SIMLAB_GC_FREEZE_INTERVAL"):
            try:
                values["gc_freeze_interval"] = float(env["SIMLAB_GC_FREEZE_INTERVAL"])
            except ValueError:
                raise ConfigError(
                    f"SIMLAB_GC_FREEZE_INTERVAL must be a number of seconds, got {env['SIMLAB_GC_FREEZE_INTERVAL']!r}"
                ) from None
        for name, kind in _NUMBERS_FROM_ENV.items():
            variable = "SIMLAB_" + name.upper()
            if env.get(variable):
                try:
                    values[name] = kind(env[variable])
                except ValueError:
                    what = "a number of seconds" if kind is float else "a whole number of bytes"
                    raise ConfigError(f"{variable} must be {what}, got {env[variable]!r}") from None
        if env.get("SIMLAB_SEED"):
            try:
                values["seed"] = int(env["SIMLAB_SEED"])
            except ValueError:
                raise ConfigError(f"SIMLAB_SEED must be an integer, got {env['SIMLAB_SEED']!r}") from None
        return cls(**values)
