"""Dallinger's experiment-server web API (spec: dallinger-api.md)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from quart import Blueprint, request

from . import chat, infos, lifecycle, nodes, pages, participants
from .params import check_path
from .requests import DallingerRuntime

if TYPE_CHECKING:
    from ..runtime import Runtime


def dallinger_blueprint(rt: Runtime) -> Blueprint:
    """All Dallinger routes for one runtime; pages last, as their rules catch the rest."""
    bp = Blueprint("dallinger", "simlab.web.dallinger")

    @bp.before_request
    async def refuse_bad_paths() -> None:
        check_path(request)

    drt = DallingerRuntime(rt)
    for module in (participants, nodes, infos, lifecycle, chat, pages):
        module.register(bp, drt)
    return bp
