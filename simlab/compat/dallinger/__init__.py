"""The ``dallinger`` package as experiments see it when simlab serves them."""

__version__ = "12.4.0"
