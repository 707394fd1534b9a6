"""``dallinger.config``: ``get_config()``, the Configuration class and Dallinger's key registrations."""

import logging

from ..config import (
    LOCAL_CONFIG,
    SENSITIVE_KEY_NAMES,
    Configuration,
    config,
    default_keys,
    get_config,
    is_valid_json,
    strtobool,
)
from ..surface import module_getattr

logger = logging.getLogger("dallinger.config")

__getattr__ = module_getattr(__name__)

__all__ = [
    "LOCAL_CONFIG",
    "SENSITIVE_KEY_NAMES",
    "Configuration",
    "config",
    "default_keys",
    "get_config",
    "is_valid_json",
    "logger",
    "strtobool",
]
