"""``dallinger.experiment_server.dashboard``: the helpers it shares with experiment routes.

Dallinger's dashboard is a Flask-Login admin site of its own; simlab serves its
own admin pages instead, so the dashboard's views, forms and tabs raise the
one-line message naming why.
"""

import logging

from ... import config as _config
from ...surface import module_getattr
from .. import recruiters
from ..db import get_all_mapped_classes
from .utils import date_handler, error_response, success_response

get_config = _config.get_config
logger = logging.getLogger("dallinger.experiment_server.dashboard")

__getattr__ = module_getattr(__name__)

__all__ = ["date_handler", "error_response", "get_all_mapped_classes", "get_config", "logger", "recruiters",
           "success_response"]
