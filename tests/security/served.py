"""A ``simlab serve`` subprocess on a free loopback port, for tests that need real sockets."""

from __future__ import annotations

import signal
import socket
import subprocess
import sys
import time
from collections.abc import AsyncIterator, Iterator
from contextlib import asynccontextmanager, contextmanager
from functools import partial
from pathlib import Path
from typing import Any

import trio

from simlab import Settings
from simlab.server import bind, build_server, serve
from simlab.sources import ExperimentSource

EXAMPLE = Path(__file__).resolve().parents[2] / "examples" / "conformance.py"


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def wait_listening(port: int, server: subprocess.Popen[str], seconds: float = 30) -> None:
    """Block until ``/health`` answers 200 (or fail naming what the server printed)."""
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if server.poll() is not None:
            raise AssertionError(f"simlab serve exited {server.returncode}: {server.stderr.read() if server.stderr else ''}")
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=2) as sock:
                sock.sendall(b"GET /health HTTP/1.1\r\nhost: x\r\nconnection: close\r\n\r\n")
                if read_all(sock, 5).startswith(b"HTTP/1.1 200"):
                    return
        except OSError:
            pass
        time.sleep(0.05)
    raise AssertionError("simlab serve did not answer /health in time")


def read_all(sock: socket.socket, seconds: float) -> bytes:
    """Everything the server sends until it closes the connection (raises on timeout)."""
    sock.settimeout(seconds)
    chunks = []
    while chunk := sock.recv(65536):
        chunks.append(chunk)
    return b"".join(chunks)


@contextmanager
def simlab_serve(*args: str, experiment: Path = EXAMPLE, env: dict[str, str] | None = None) -> Iterator[int]:
    """Run ``simlab serve EXPERIMENT --in-memory ARGS`` on a free port; yields the port."""
    port = free_port()
    command = [sys.executable, "-m", "simlab", "serve", str(experiment), "--port", str(port), "--log-level", "WARNING"]
    if "--data-dir" not in args:
        command.append("--in-memory")
    server = subprocess.Popen(command + list(args), stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=env)
    try:
        wait_listening(port, server)
        yield port
    finally:
        server.send_signal(signal.SIGTERM)
        try:
            server.communicate(timeout=20)
        except subprocess.TimeoutExpired:
            server.kill()
            server.communicate()


@asynccontextmanager
async def served(experiment: type[Any], settings: Settings) -> AsyncIterator[tuple[int, Any]]:
    """``experiment`` built and served by hypercorn (as ``simlab serve`` serves it) on a free loopback port.

    Yields the port and the app.
    """
    server = build_server(ExperimentSource.of_class(experiment), settings)
    sock = bind("127.0.0.1", 0)
    try:
        async with trio.open_nursery() as nursery:
            await nursery.start(partial(serve, server, sock=sock))
            yield int(sock.getsockname()[1]), server.app
            nursery.cancel_scope.cancel()
    finally:
        sock.detach()  # hypercorn closed the descriptor it was given
