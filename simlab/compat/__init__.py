"""Run a researcher's Dallinger experiment unchanged: the ``dallinger.*`` names it imports.

``install()`` puts a meta-path finder in front of every other, so ``import
dallinger.experiment`` (and the rest of the API experiments use) resolves to the
thin modules of ``simlab.compat.dallinger`` whether or not the real ``dallinger``
is installed; ``uninstall()`` takes it out again.  Nothing else in simlab imports
this package: the experiment-file loader installs it when a file needs it.
"""

from __future__ import annotations

from .finder import install, installed, uninstall
from .routes import experiment_views

__all__ = ["experiment_views", "install", "installed", "uninstall"]
