"""oTree's REST API and participant links (spec: otree-rest.md), on the Dallinger store."""

from __future__ import annotations

from typing import TYPE_CHECKING

from quart import Blueprint

from ...domain.otree import StudySettings
from . import api, pages
from .api import redirect_view

if TYPE_CHECKING:
    from ..runtime import Runtime


def otree_blueprint(rt: Runtime, study: StudySettings) -> Blueprint:
    """The oTree routes for one runtime and its study settings.

    Register it before the Dallinger blueprint, whose ``/<page>`` catch-alls come last.
    """
    bp = Blueprint("otree", "simlab.web.otree")
    api.register(bp, rt, study)
    pages.register(bp, rt, study)
    for rule in PAGE_RULES:
        bp.add_url_rule(rule + "/", "slash" + rule.replace("/", "_").replace("<", "").replace(">", ""), redirect_view)
    return bp


#: oTree's participant links, whose trailing-slash forms 307 to them as the API's do.
PAGE_RULES = (
    "/room/<room_name>",
    "/join/<join_code>",
    "/InitializeParticipant/<code>",
    "/demo/<config_name>",
    "/SessionStartLinks/<code>",
)
