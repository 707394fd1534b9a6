"""What an oTree project's code imports from ``otree``, served by simlab (``import otree``).

simlab does not run oTree's pages, models or bots: these names let a project's
apps import and declare themselves (constants, page sequences, fields) so that
simlab can read them.  ``__version__`` is the oTree release whose API simlab serves.
"""

__version__ = "6.0.15"
