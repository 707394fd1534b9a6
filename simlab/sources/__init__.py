"""Loading a user's experiment: one path in, one frozen :class:`ExperimentSource` out.

A path may be a plain experiment file, a Dallinger experiment folder (or its
``experiment.py``); a class given directly (a scenario's own, Dallinger's base
experiment) is :meth:`ExperimentSource.of_class`.  :func:`source_kind` is the one
place that decides which kind a path is (an oTree project folder is one more
branch there).  One rule finds the Experiment class (the most derived one the
user's file or package defines) and one error type says what went wrong
(:class:`~simlab.errors.SourceError`).
"""

from __future__ import annotations

from ..errors import SourceError
from .experiment import ExperimentSource, SourceKind, find_experiment_class, load_source, source_kind
from .package import imports_dallinger

__all__ = [
    "ExperimentSource",
    "SourceError",
    "SourceKind",
    "find_experiment_class",
    "imports_dallinger",
    "load_source",
    "source_kind",
]
