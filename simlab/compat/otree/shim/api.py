"""``from otree.api import *``: the names oTree 6.0.15's ``otree/api.py`` exports, served by simlab."""

from __future__ import annotations

import csv
import json
from decimal import Decimal
from pathlib import Path
from typing import Any

from . import database as models
from . import widgets
from .bots import Bot, Submission, SubmissionMustFail, expect
from .constants import BaseConstants
from .currency import Currency, RealWorldCurrency, currency_range
from .database import ExtraModel
from .models import BaseGroup, BasePlayer, BaseSubsession
from .views import Page, WaitPage

cu = Currency
fields = models


class DecimalUnit(Decimal):
    pass


class BaseTrial:
    pass


def safe_json(obj: Any) -> str:
    return json.dumps(obj, default=float)


def url_of_static_file(path: str) -> str:
    return f"/static/{path}"


def extract_otreetemplate(*args: Any, **kwargs: Any) -> Any:
    return None


def read_csv(path: str | Path, type_dict: dict[str, type]) -> list[dict[str, Any]]:
    """oTree's ``read_csv``: rows as dicts, each listed column converted to its type."""
    with open(path, encoding="utf-8-sig", newline="") as f:
        rows = list(csv.DictReader(f))
    out = []
    for row in rows:
        item: dict[str, Any] = {}
        for key, kind in type_dict.items():
            raw = row.get(key, "")
            if kind is bool:
                item[key] = raw.strip().lower() in ("1", "true", "yes")
            else:
                item[key] = kind(raw) if raw != "" else None
        out.append(item)
    return out


__all__ = [
    "BaseConstants", "BaseGroup", "BasePlayer", "BaseSubsession", "BaseTrial", "Bot", "Currency", "DecimalUnit",
    "ExtraModel", "Page", "RealWorldCurrency", "Submission", "SubmissionMustFail", "WaitPage", "cu", "currency_range",
    "expect", "extract_otreetemplate", "fields", "models", "read_csv", "safe_json", "url_of_static_file", "widgets",
]
