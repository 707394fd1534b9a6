"""``simlab serve [EXPERIMENT_FILE]``: serve an experiment over HTTP.

Once listening, the experiment is launched as ``dallinger debug`` launches it
(``POST /launch``; the recruitment links are printed); ``--no-launch`` leaves that
to a client.

Exit status: 0 after a clean stop (SIGTERM or Ctrl-C: requests in flight
finish, the journal is flushed), 1 when the data file turned out unreadable
while loading, 2 when the server could not start (bad flag or file, port in
use, data folder owned by another server, corrupt or foreign database); each
failure is one line on stderr.
"""

from __future__ import annotations

import argparse
import logging
import socket
import sys
from functools import partial
from pathlib import Path
from typing import TYPE_CHECKING

import trio

from ..config import Settings
from ..errors import ConfigError
from .args import OneLineParser, user_path

if TYPE_CHECKING:
    from ..server import Server


def build_parser() -> argparse.ArgumentParser:
    parser = OneLineParser(
        prog="simlab serve",
        description="Serve an experiment: Dallinger's web API (and oTree's REST API) on hypercorn/trio.",
    )
    parser.add_argument(
        "experiment",
        nargs="?",
        type=user_path,
        help="experiment file, or a Dallinger experiment folder (default: Dallinger's base experiment)",
    )
    parser.add_argument(
        "--mode",
        default=None,
        choices=["debug", "sandbox", "live"],
        help="Dallinger mode of a Dallinger experiment folder (default debug, as `dallinger debug`, whatever config.txt says)",
    )
    parser.add_argument(
        "--config",
        action="append",
        default=[],
        metavar="KEY=VALUE",
        help="a Dallinger config value (repeatable); wins over the environment, config.txt and the experiment class",
    )
    parser.add_argument("--host", default=None, help="address to listen on (default 127.0.0.1)")
    parser.add_argument("--port", type=int, default=None, help="port to listen on (default 5000)")
    parser.add_argument("--in-memory", action="store_true", help="keep state in memory only (no data folder)")
    parser.add_argument("--data-dir", type=user_path, default=None, help="folder of the durable database (default ./simlab-data)")
    parser.add_argument("--seed", type=int, default=None, help="seed of the experiment's random choices")
    parser.add_argument("--auth-level", default=None, choices=["", "DEMO", "STUDY"], help="oTree auth level (env OTREE_AUTH_LEVEL)")
    parser.add_argument("--rest-key", default=None, help="oTree REST key (env OTREE_REST_KEY)")
    parser.add_argument("--keep-alive-timeout", type=float, default=None, metavar="S", help="seconds for a request's headers and for an idle keep-alive connection (default 75)")
    parser.add_argument("--body-timeout", type=float, default=None, metavar="S", help="seconds for a request's whole body once its headers arrived (default 30)")
    parser.add_argument("--read-timeout", type=float, default=None, metavar="S", help="seconds a connection may send nothing at all (default 120)")
    parser.add_argument("--max-value-bytes", type=int, default=None, metavar="N", help="largest text a client may store in one field (default 262144; 0: no limit)")
    parser.add_argument("--participant-bytes-per-minute", type=int, default=None, metavar="N", help="bytes one participant may store per minute (default 4 MiB; 0: no limit)")
    parser.add_argument("--address-bytes-per-minute", type=int, default=None, metavar="N", help="bytes one client address may store per minute, loopback exempt (default 16 MiB; 0: no limit)")
    parser.add_argument("--memory-high-water-bytes", type=int, default=None, metavar="N", help="resident memory past which writes get 503 (default 80%% of RAM or the cgroup limit)")
    parser.add_argument("--behind-proxy", action="store_true", default=None, help="take the client address from X-Forwarded-For (one trusted reverse proxy in front)")
    parser.add_argument(
        "--no-launch",
        action="store_true",
        help="do not launch the experiment at start (default: POST /launch as `dallinger debug` does); wait for a client's POST /launch",
    )
    parser.add_argument(
        "--log-level", default="INFO", type=str.upper, choices=["DEBUG", "INFO", "WARNING", "ERROR"], help="logging level (default INFO)"
    )
    return parser


def config_flags(pairs: list[str]) -> dict[str, str]:
    """``--config KEY=VALUE`` flags as config values (cast by the experiment's config types)."""
    values: dict[str, str] = {}
    for pair in pairs:
        key, sep, value = pair.partition("=")
        if not sep or not key.strip():
            raise ConfigError(f"--config {pair!r}: expected KEY=VALUE")
        values[key.strip()] = value
    return values


def main(argv: list[str]) -> int:
    args = build_parser().parse_args(argv)
    logging.basicConfig(level=args.log_level, format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    try:
        settings = Settings.from_env().with_values(
            host=args.host,
            port=args.port,
            data_dir=args.data_dir,
            seed=args.seed,
            otree_auth_level=args.auth_level,
            otree_rest_key=args.rest_key,
            keep_alive_timeout=args.keep_alive_timeout,
            body_timeout=args.body_timeout,
            read_timeout=args.read_timeout,
            max_value_bytes=args.max_value_bytes,
            participant_bytes_per_minute=args.participant_bytes_per_minute,
            address_bytes_per_minute=args.address_bytes_per_minute,
            memory_high_water_bytes=args.memory_high_water_bytes,
            behind_proxy=args.behind_proxy,
        )
        from ..server import build_server
        from ..sources import ExperimentSource, load_source

        if settings.data_dir is not None:
            settings = settings.with_values(data_dir=Path(settings.data_dir).resolve())
        source = ExperimentSource.of_class() if args.experiment is None else load_source(args.experiment, mode=args.mode)
        server = build_server(source, settings, in_memory=args.in_memory, config=config_flags(args.config))
    except ConfigError as exc:
        print(f"simlab serve: {exc}", file=sys.stderr)
        return 2
    from ..server import PortInUse, bind

    server.enter_working_dir()
    try:
        sock = bind(settings.host, settings.port)
    except PortInUse as exc:
        print(f"simlab serve: {exc}", file=sys.stderr)
        return 2
    url = f"http://{settings.host}:{sock.getsockname()[1]}"
    print(f"simlab: serving {server.description} on {url}", flush=True)
    try:
        trio.run(partial(_serve, server, sock, url, launch=not args.no_launch))
    except KeyboardInterrupt:  # only before the signal handlers are in place
        print("simlab serve: interrupted", file=sys.stderr)
        return 130
    if server.error:
        print(f"simlab serve: {server.error}", file=sys.stderr)
        return 1
    print("simlab: stopped", flush=True)
    return 0


async def _serve(server: Server, sock: socket.socket, url: str, *, launch: bool) -> None:
    """Serve until SIGTERM/Ctrl-C; once listening, launch the experiment unless told not to."""
    from ..server import serve
    from .launch import launch_when_ready

    async with trio.open_nursery() as nursery:
        await nursery.start(partial(serve, server, sock=sock, handle_signals=True))
        if launch:
            print(await launch_when_ready(url), flush=True)
        else:
            print("simlab: waiting for POST /launch (--no-launch)", flush=True)
