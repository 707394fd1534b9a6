"""Bots against `simlab serve` over loopback (a real socket, a real clock)."""

from __future__ import annotations

import socket
import subprocess
import sys
import textwrap
from pathlib import Path

import httpx
import trio

from simlab.engine import RunOptions, load_scenario, run_scenario_async
from simlab.engine.clients.connect import Target

EXPERIMENT = """
from simlab import Chain, Experiment


class LoopChain(Experiment):
    experiment_repeats = 1

    def create_network(self):
        return Chain(max_size=10)

    def add_node_to_network(self, node, network):
        network.add_node(node)
        parents = node.neighbors(direction="from")
        if parents:
            parents[0].transmit(to_whom=node)
"""

SCENARIO = """
from simlab.bots.dallinger_participant import participant
from simlab.engine import Population, Scenario, Thresholds, constant


def all_approved(ctx):
    statuses = sorted(p["status"] for p in ctx.snapshot.participants.values())
    return statuses == ["approved"] * 4, str(statuses)


scenario = Scenario(
    name="loopback",
    populations=[Population(participant, count=4, rate=20, options={"think": constant(0.02), "read": constant(0.0), "poll": constant(0.02)})],
    thresholds=Thresholds(max_p99={"*": 2.0}),
    checks=[all_approved],
)
"""


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


async def wait_until_up(url: str) -> None:
    async with httpx.AsyncClient() as client:
        while True:
            try:
                await client.get(url + "/summary")
                return
            except httpx.TransportError:
                await trio.sleep(0.05)


async def test_bots_against_simlab_serve_over_loopback(tmp_path: Path) -> None:
    (tmp_path / "loop_experiment.py").write_text(textwrap.dedent(EXPERIMENT))
    (tmp_path / "loop_scenario.py").write_text(textwrap.dedent(SCENARIO))
    port = free_port()
    url = f"http://127.0.0.1:{port}"
    cmd = [sys.executable, "-m", "simlab", "serve", str(tmp_path / "loop_experiment.py"), "--port", str(port), "--in-memory", "--log-level", "WARNING"]
    proc = subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    try:
        with trio.fail_after(20):
            await wait_until_up(url)
            report = await run_scenario_async(
                load_scenario(tmp_path / "loop_scenario.py"), Target.remote(url), RunOptions(url=url, progress=False)
            )
    finally:
        proc.terminate()
        proc.wait(timeout=10)
        assert proc.stderr is not None
        proc.stderr.close()
    assert report.passed, [r for r in (*report.checks, *report.thresholds) if not r.passed]
    assert report.config["client"] == "per-bot"
    assert len(report.snapshot.nodes) == 4 if report.snapshot else False
