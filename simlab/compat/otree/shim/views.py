"""oTree's page classes: apps list their subclasses in ``page_sequence`` (simlab reads the names)."""

from __future__ import annotations

from typing import Any


class Page:
    form_model: Any = None
    form_fields: list[str] = []
    timeout_seconds: Any = None
    template_name: Any = None


class WaitPage(Page):
    wait_for_all_groups = False
    group_by_arrival_time = False
    title_text: Any = None
    body_text: Any = None
