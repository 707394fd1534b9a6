"""``oracle`` tests talk to real servers: they run only when selected (``-m oracle``)."""

from __future__ import annotations

import pytest


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    if "oracle" in (config.option.markexpr or ""):
        return
    skip = pytest.mark.skip(reason="needs the real servers: run with -m oracle")
    for item in items:
        if "oracle" in item.keywords:
            item.add_marker(skip)


def _register_bots() -> None:
    """The browser bot lives in the top-level ``bots/`` folder (as in tests/browser)."""
    from pathlib import Path

    from simlab.engine.loader import register_sibling_package

    register_sibling_package(Path(__file__).resolve().parents[2], "bots")


_register_bots()
