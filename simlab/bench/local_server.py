"""A local ``simlab serve`` for benchmarks: a subprocess on a free loopback port.

The benchmark experiment is a FullyConnected network; with a preload it first
puts 10 ballast nodes in that same network and stores M infos, each transmitted
to another ballast node, so the route under test runs on a network that big.
"""

from __future__ import annotations

import os
import subprocess
import sys
import tempfile
import textwrap
from pathlib import Path
from types import TracebackType

import httpx
import trio
from ..server.serving import free_port

BALLAST_NODES = 10

EXPERIMENT = textwrap.dedent(
    """
    from simlab import Experiment, FullyConnected, Info, Node

    PRELOAD = {preload}
    BALLAST = {ballast}


    class TransmitBench(Experiment):
        experiment_repeats = 1

        def create_network(self):
            return FullyConnected(max_size={max_size})

        def on_launch(self):
            net = self.networks()[0]
            if not PRELOAD or net.size():
                return
            ballast = []
            for _ in range(BALLAST):
                node = Node(network=net)
                net.add_node(node)
                ballast.append(node)
            for i in range(PRELOAD):
                origin = ballast[i % BALLAST]
                info = Info(origin=origin, contents="ballast")
                origin.transmit(what=info, to_whom=ballast[(i + 1) % BALLAST])
    """
)


def rss_bytes(pid: int) -> int:
    """Resident memory of process ``pid`` (Linux /proc), 0 where unknown."""
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) * 1024
    except OSError:
        pass
    return 0


class LocalServer:
    """``async with LocalServer(nodes, preload) as server:`` → ``server.url``, ``server.pid``."""

    def __init__(self, nodes: int, preload: int = 0, durable: bool = False) -> None:
        self.nodes = nodes
        self.preload = preload
        self.durable = durable
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"

    @property
    def pid(self) -> int:
        return self.process.pid

    async def __aenter__(self) -> LocalServer:
        self._tmp = tempfile.TemporaryDirectory(prefix="simlab-bench-")
        folder = Path(self._tmp.name)
        experiment = folder / "transmit_bench.py"
        max_size = self.nodes + (BALLAST_NODES if self.preload else 0)
        experiment.write_text(EXPERIMENT.format(preload=self.preload, ballast=BALLAST_NODES, max_size=max_size))
        storage = ["--data-dir", str(folder / "data")] if self.durable else ["--in-memory"]
        self.process = subprocess.Popen(
            [sys.executable, "-m", "simlab", "serve", str(experiment), "--port", str(self.port), *storage,
             "--log-level", "WARNING"],
            env=os.environ.copy(),
            stdout=subprocess.DEVNULL,
        )
        try:
            await self._wait_ready()
        except BaseException:
            self._stop()
            raise
        return self

    async def _wait_ready(self, timeout: float = 30.0) -> None:
        async with httpx.AsyncClient() as client:
            with trio.fail_after(timeout):
                while True:
                    if self.process.poll() is not None:
                        raise RuntimeError(f"simlab serve exited with {self.process.returncode}")
                    try:
                        if (await client.get(f"{self.url}/health")).status_code == 200:
                            return
                    except httpx.TransportError:
                        pass
                    await trio.sleep(0.05)

    def _stop(self) -> None:
        self.process.terminate()
        try:
            self.process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()
        self._tmp.cleanup()

    async def __aexit__(self, et: type[BaseException] | None, e: BaseException | None, tb: TracebackType | None) -> None:
        self._stop()
