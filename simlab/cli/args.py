"""Argument parsing whose errors are one line (argparse prints the whole usage first)."""

from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path
from typing import NoReturn


class OneLineParser(argparse.ArgumentParser):
    """``ArgumentParser`` that reports a bad command line in one line and exits 2."""

    def error(self, message: str) -> NoReturn:
        print(f"{self.prog}: {message} (see '{self.prog} --help')", file=sys.stderr)
        sys.exit(2)


def user_path(value: str) -> Path:
    """An argparse ``type``: a path on the command line, made absolute against the folder the user stands in.

    A run may change its working folder (a Dallinger experiment runs from its own),
    so relative paths are fixed at parse time, before anything moves; that folder
    is remembered for :func:`shown`.
    """
    global USER_FOLDER
    USER_FOLDER = Path(os.getcwd())
    return Path(os.path.abspath(os.path.expanduser(value)))


def shown(path: Path) -> str:
    """``path`` as the user would type it from the folder they stand in (relative when inside it)."""
    try:
        return os.path.relpath(path, USER_FOLDER) if Path(path).is_relative_to(USER_FOLDER) else str(path)
    except ValueError:
        return str(path)


#: The folder the command was started in (before any run changes its working folder).
USER_FOLDER = Path(os.getcwd())
