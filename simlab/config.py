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

from .errors import ConfigError

AUTH_LEVELS = ("", "DEMO", "STUDY")


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

    def __post_init__(self) -> None:
        if self.otree_auth_level not in AUTH_LEVELS:
            raise ConfigError(
                f"OTREE_AUTH_LEVEL must be one of {', '.join(repr(a) for a in AUTH_LEVELS)}, got {self.otree_auth_level!r}"
            )
        if not (0 <= self.port < 65536):
            raise ConfigError(f"port must be between 0 and 65535, got {self.port}")
        if self.max_body_bytes <= 0:
            raise ConfigError(f"max_body_bytes must be positive, got {self.max_body_bytes}")

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
        if env.get("SIMLAB_FAST_PATH", "").strip().lower() in ("0", "false", "no", "off"):
            values["fast_path"] = False
        if env.get("SIMLAB_GC_FREEZE_INTERVAL"):
            try:
                values["gc_freeze_interval"] = float(env["SIMLAB_GC_FREEZE_INTERVAL"])
            except ValueError:
                raise ConfigError(
                    f"SIMLAB_GC_FREEZE_INTERVAL must be a number of seconds, got {env['SIMLAB_GC_FREEZE_INTERVAL']!r}"
                ) from None
        if env.get("SIMLAB_SEED"):
            try:
                values["seed"] = int(env["SIMLAB_SEED"])
            except ValueError:
                raise ConfigError(f"SIMLAB_SEED must be an integer, got {env['SIMLAB_SEED']!r}") from None
        return cls(**values)
