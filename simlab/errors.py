"""simlab's exception hierarchy.

The domain raises these with accurate messages; ``simlab.web`` maps each type to
the status code and error envelope of the API that was called, in one place per
API.  Library code never returns an error value and never calls ``sys.exit``.

::

    SimlabError
    ├── ConfigError        invalid settings, experiment or scenario file (at start)
    ├── NotFound           a referenced record does not exist
    ├── InvalidRequest     bad input: a parameter or body field breaks a rule
    ├── Forbidden          the caller may not see or do this
    ├── InvalidState       the record exists but its state forbids the operation
    ├── ModelError         a Dallinger model rule refused the operation
    ├── HookError          experiment code (a hook or an overridden method) raised
    └── BotError           a bot could not go on (engine side)
"""

from __future__ import annotations


class SimlabError(Exception):
    """Root of every error simlab raises on purpose."""


class ConfigError(SimlabError):
    """Raised at start-up when settings, an experiment or a scenario file are invalid."""


class NotFound(SimlabError):
    """Raised by lookups when the record ``what`` with id ``ident`` does not exist."""

    def __init__(self, what: str, ident: object) -> None:
        super().__init__(f"{what} {ident} not found")
        self.what = what
        self.ident = ident


class InvalidRequest(SimlabError):
    """Raised when input breaks a rule; the message names the parameter, value and rule."""


class Forbidden(SimlabError):
    """Raised when the caller may not read or change what it asked for."""


class InvalidState(SimlabError):
    """Raised when a record's state forbids the operation (e.g. a participant not working)."""


class ModelError(SimlabError):
    """Raised by the Dallinger model rules (failed objects, missing vectors, write-once fields)."""


class HookError(SimlabError):
    """Raised when experiment code called by the domain raised; the cause is chained."""

    def __init__(self, hook: str) -> None:
        super().__init__(f"experiment hook {hook} raised")
        self.hook = hook


class BotError(SimlabError):
    """Raised by the bot engine when a bot cannot go on."""
