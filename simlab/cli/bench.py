"""``simlab bench transmit``: load-benchmark Dallinger's transmit routes.

Against a local ``simlab serve`` it starts itself (default) or any server
speaking Dallinger's API (``--url``, e.g. a real Dallinger).  Prints req/s and
p50/p90/p99/max per route and concurrency, and transmit as a ratio of the
same-run ``GET /health`` ceiling; ``--json`` prints the same as JSON.
"""

from __future__ import annotations

import argparse
import json
import sys
from typing import Any

import httpx
import trio

from ..bench.local_server import LocalServer, rss_bytes
from ..bench.transmit import ROUTES, PhaseResult, ratios, run, setup
from .args import OneLineParser
from .urls import check_url


def _ints(text: str) -> list[int]:
    try:
        values = [int(x) for x in text.split(",") if x.strip()]
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected comma-separated integers, got {text!r}") from None
    if not values or min(values) < 1:
        raise argparse.ArgumentTypeError(f"concurrency levels must be >= 1, got {text!r}")
    return values


def build_parser() -> argparse.ArgumentParser:
    parser = OneLineParser(prog="simlab bench", description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    sub = parser.add_subparsers(dest="what", required=True)
    p = sub.add_parser("transmit", help="benchmark POST /node/<id>/transmit and the read side")
    p.add_argument("--url", help="server to measure (default: start a local simlab serve --in-memory)")
    p.add_argument("--duration", type=float, default=5.0, help="seconds per route and concurrency (default 5)")
    p.add_argument("--concurrency", type=_ints, default=[1, 16, 64], help="levels, e.g. 1,16,64")
    p.add_argument("--nodes", type=int, default=20, help="nodes in the network (default 20)")
    p.add_argument("--preload-infos", type=int, default=0, help="infos (each transmitted once) stored first")
    p.add_argument("--max-requests", type=int, default=200_000, help="cap per route and concurrency")
    p.add_argument("--durable", action="store_true", help="local server with its SQLite journal")
    p.add_argument("--routes", default=",".join(ROUTES), help="comma-separated routes to drive")
    p.add_argument("--json", action="store_true", help="print JSON instead of a table")
    return parser


def _print_row(row: dict[str, Any]) -> None:
    print(
        f"{row['route']:<32} {row['concurrency']:>5} {row['requests']:>9} {row['errors']:>6} {row['req_per_s']:>9.1f} "
        f"{row['p50_ms'] or 0:>8.2f} {row['p90_ms'] or 0:>8.2f} {row['p99_ms'] or 0:>8.2f} {row['max_ms'] or 0:>8.2f}",
        flush=True,
    )


async def _bench(args: argparse.Namespace) -> dict[str, Any]:
    routes = tuple(r.strip() for r in args.routes.split(",") if r.strip())
    unknown = set(routes) - set(ROUTES)
    if unknown:
        raise BenchError(f"unknown route(s) in --routes: {', '.join(sorted(unknown))} (routes: {', '.join(ROUTES)})")
    header = f"{'route':<32} {'conc':>5} {'requests':>9} {'errors':>6} {'req/s':>9} {'p50 ms':>8} {'p90 ms':>8} {'p99 ms':>8} {'max ms':>8}"
    on_result = None if args.json else (lambda r: _print_row(r.row()))
    info: dict[str, Any] = {"nodes": args.nodes, "preload_infos": args.preload_infos, "duration": args.duration}

    async def measure(url: str, preload_remote: int) -> list[PhaseResult]:
        targets = await setup(url, args.nodes, preload_remote)
        if not args.json:
            print(header)
        return await run(url, targets, args.concurrency, args.duration, args.max_requests, routes, on_result)

    if args.url:
        info["url"] = args.url
        results = await measure(args.url.rstrip("/"), args.preload_infos)
    else:
        async with LocalServer(args.nodes, args.preload_infos, durable=args.durable) as server:
            info["url"] = f"local simlab serve ({'durable' if args.durable else 'in memory'})"
            results = await measure(server.url, 0)
            info["server_rss_bytes"] = rss_bytes(server.pid)
    info["results"] = [r.row() for r in results]
    info["transmit_over_health"] = ratios(results)
    return info


class BenchError(Exception):
    """A bad flag or an unreachable server: one line, exit 2."""


def _check(args: argparse.Namespace) -> str | None:
    """Why the flags cannot run (one line), or None."""
    if args.duration <= 0:
        return f"--duration must be > 0, got {args.duration:g}"
    if args.nodes < 2:
        return f"--nodes must be >= 2 (a transmit needs a neighbour), got {args.nodes}"
    if args.preload_infos < 0 or args.max_requests < 1:
        return "--preload-infos must be >= 0 and --max-requests >= 1"
    if args.url:
        return check_url(args.url)
    return None


def main(argv: list[str]) -> int:
    args = build_parser().parse_args(argv)
    problem = _check(args)
    if problem:
        print(f"simlab bench: {problem}", file=sys.stderr)
        return 2
    try:
        summary = trio.run(_bench, args)
    except BenchError as exc:
        print(f"simlab bench: {exc}", file=sys.stderr)
        return 2
    except (httpx.HTTPError, OSError) as exc:
        print(f"simlab bench: the server stopped answering: {type(exc).__name__}: {exc}", file=sys.stderr)
        return 2
    if args.json:
        json.dump(summary, sys.stdout, indent=2)
        print()
    else:
        for c, ratio in summary["transmit_over_health"].items():
            print(f"transmit / health at concurrency {c}: {ratio:.2f}")
        if summary.get("server_rss_bytes"):
            print(f"server resident memory: {summary['server_rss_bytes'] / 2**20:.1f} MiB")
    errors = sum(r["errors"] for r in summary["results"])
    return 1 if errors else 0
