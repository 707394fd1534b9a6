"""Transmit over loopback HTTP against ``simlab serve``: req/s and p50/p99 at c=1, 16, 64.

A thin front for ``simlab bench transmit`` (which starts the server, sets up a
FullyConnected network and measures each route with lean keep-alive clients):

    python benchmarks/transmit_http.py --duration 5
"""

from __future__ import annotations

import sys

from simlab.cli import main

if __name__ == "__main__":
    sys.exit(main(["bench", "transmit", "--routes", "GET /health,POST /node/<id>/transmit", *sys.argv[1:]]))
