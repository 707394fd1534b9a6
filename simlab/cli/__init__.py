"""The ``simlab`` command: one module per subcommand, each with ``main(argv) -> int``."""

from __future__ import annotations

import importlib
import sys

#: subcommand -> (module, one-line help)
COMMANDS: dict[str, tuple[str, str]] = {
    "serve": ("simlab.cli.serve", "serve an experiment (Dallinger web API + oTree REST API)"),
    "scenario": ("simlab.cli.scenario", "run a scenario script with bots"),
    "bench": ("simlab.cli.bench", "load-benchmark the transmit routes"),
    "export": ("simlab.cli.export", "export a data folder as Dallinger's zip/CSV layout"),
}


def _usage() -> str:
    lines = ["usage: simlab COMMAND [ARGS...]", "", "commands:"]
    lines += [f"  {name:<10} {text}" for name, (_, text) in COMMANDS.items()]
    lines += ["", "Run 'simlab COMMAND --help' for a command's options."]
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    """Dispatch to a subcommand and return its exit status."""
    args = sys.argv[1:] if argv is None else list(argv)
    if not args or args[0] in ("-h", "--help"):
        print(_usage())
        return 0 if args else 2
    if args[0] in ("-V", "--version"):
        from .._version import __version__

        print(f"simlab {__version__}")
        return 0
    entry = COMMANDS.get(args[0])
    if entry is None:
        print(f"simlab: unknown command {args[0]!r}\n\n{_usage()}", file=sys.stderr)
        return 2
    try:
        module = importlib.import_module(entry[0])
    except ModuleNotFoundError as exc:
        if exc.name == entry[0]:
            print(f"simlab: command {args[0]!r} is not available in this version", file=sys.stderr)
            return 2
        raise
    return int(module.main(args[1:]))


def run() -> None:
    """Console-script entry point; a Ctrl-C before a command's own handling is in place is one line, 130."""
    try:
        status = main()
    except KeyboardInterrupt:
        print("simlab: interrupted", file=sys.stderr)
        status = 130
    except BaseExceptionGroup as group:  # a Ctrl-C that reached a trio run before its own handling
        interrupts, others = group.split(KeyboardInterrupt)
        if interrupts is None or others is not None:
            raise
        print("simlab: interrupted", file=sys.stderr)
        status = 130
    sys.exit(status)
