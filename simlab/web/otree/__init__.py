"""oTree's REST API and participant links (spec: otree-rest.md), on the Dallinger store."""

from __future__ import annotations

from typing import TYPE_CHECKING

from quart import Blueprint

from ...domain.otree import StudySettings
from . import api, pages

if TYPE_CHECKING:
    from ..runtime import Runtime


def otree_blueprint(rt: Runtime, study: StudySettings) -> Blueprint:
    """The oTree routes for one runtime and its study settings.

    Register it before the Dallinger blueprint, whose ``/<page>`` catch-alls come last.
    """
    bp = Blueprint("otree", "simlab.web.otree")
    api.register(bp, rt, study)
    pages.register(bp, rt, study)
    return bp
