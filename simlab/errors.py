"""simlab's exception hierarchy.

The domain raises these with accurate messages; ``simlab.web`` maps each type to
the status code and error envelope of the API that was called, in one place per
API.  Library code never returns an error value and never calls ``sys.exit``.

::

    SimlabError
    ├── ConfigError        invalid settings, experiment or scenario file (at start)
    │   ├── SourceError    a user's experiment path cannot be loaded (simlab.sources)
    │   ├── LoadError      a scenario file cannot be loaded (simlab.engine.loader)
    │   ├── PortInUse      the address to listen on is taken (simlab.server.serving)
    │   └── DataFolderBusy, UnsupportedCriterion, NoResultFound, MultipleResultsFound
    ├── NotFound           a referenced record does not exist
    ├── InvalidRequest     bad input: a parameter or body field breaks a rule
    ├── Forbidden          the caller may not see or do this
    ├── InvalidState       the record exists but its state forbids the operation
    ├── ModelError         a Dallinger model rule refused the operation
    ├── HookError          experiment code (a hook or an overridden method) raised
    ├── BotError           a bot could not go on (engine side)
    │   └── ApiError       a request failed after its retries (simlab.engine.clients.http)
    ├── JournalFailed      the database could not be written (simlab.persistence.journal)
    ├── DataFileError      a data file that cannot be read (simlab.store.sqlite)
    ├── WebError           an answer other than success, raised by a handler (DallingerError,
    │                      oTree's ApiError, UndeclaredParameter, the fast path's Defer)
    └── RunUnavailable     a run cannot start here (WebDriverUnavailable, DistributedUnavailable,
                           WorkersMissing)

Control flow that is not an error (``StopBot``) is outside the tree on purpose.
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


class SourceError(ConfigError):
    """Raised when a user's experiment path (file, Dallinger folder) cannot be loaded; names the path."""


class LoadError(ConfigError):
    """Raised when a scenario file cannot be imported or names nothing usable."""


class PortInUse(ConfigError, OSError):
    """The address to listen on is taken (or not ours to take); the message says which."""


class JournalFailed(SimlabError):
    """The database could not be written; acknowledged writes would not be durable."""


class DataFileError(SimlabError):
    """A data file that is not simlab's, is corrupt, or cannot be read; the message names it."""


class WebError(SimlabError):
    """Root of the errors the web layer raises to answer a request with something other than success."""


class RunUnavailable(SimlabError, RuntimeError):
    """A run cannot start in this environment (a missing browser driver, dask, workers)."""
