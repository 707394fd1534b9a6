"""``dallinger.config``: ``get_config()`` and the Configuration class."""

from ..config import LOCAL_CONFIG, Configuration, get_config, is_valid_json

__all__ = ["LOCAL_CONFIG", "Configuration", "get_config", "is_valid_json"]
