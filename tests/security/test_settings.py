"""The security settings: read from the environment, checked, and turned off only where 0 means "no limit"."""

from __future__ import annotations

import pytest

from simlab.config import Settings
from simlab.errors import ConfigError


def test_limits_and_timeouts_come_from_the_environment() -> None:
    settings = Settings.from_env(
        {"SIMLAB_BODY_TIMEOUT": "2.5", "SIMLAB_BEHIND_PROXY": "yes", "SIMLAB_MAX_VALUE_BYTES": "0", "SIMLAB_CHAT_SUBSCRIBER_BYTES": "1000"}
    )
    assert settings.body_timeout == 2.5 and settings.behind_proxy and settings.chat_subscriber_bytes == 1000
    assert settings.limits().max_value_bytes == 0  # no limit


@pytest.mark.parametrize(
    ("env", "message"),
    [
        ({"SIMLAB_READ_TIMEOUT": "soon"}, "SIMLAB_READ_TIMEOUT must be a number of seconds, got 'soon'"),
        ({"SIMLAB_PARTICIPANT_BYTES_PER_MINUTE": "1.5"}, "must be a whole number of bytes"),
        ({"SIMLAB_KEEP_ALIVE_TIMEOUT": "0"}, "keep_alive_timeout must be positive, got 0.0"),
        ({"SIMLAB_ADDRESS_BYTES_PER_MINUTE": "-1"}, "address_bytes_per_minute must be 0 (no limit) or positive, got -1"),
    ],
)
def test_bad_values_are_one_clear_error(env: dict[str, str], message: str) -> None:
    with pytest.raises(ConfigError, match=message.replace("(", r"\(").replace(")", r"\)")):
        Settings.from_env(env)
