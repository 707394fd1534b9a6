"""``dallinger.experiment_server.dashboard``: present so that its absent names explain themselves.

Dallinger's dashboard is a Flask-Login admin site of its own; simlab serves its
own admin pages instead, so every name here raises the one-line message.
"""

from ...surface import module_getattr

__getattr__ = module_getattr(__name__)
