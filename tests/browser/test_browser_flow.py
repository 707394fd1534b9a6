"""Participants complete the default pages in headless Chromium against ``simlab serve``.

The server runs as a subprocess (as in production), with a Chain experiment whose new
nodes receive their parent's infos (Bartlett's transmission chain), so the second
participant must see, in the page, the text the first one typed.  The server's state is
then read back through the API and the admin export.
"""

from __future__ import annotations

import csv
import io
import json
import os
import socket
import subprocess
import sys
import textwrap
import zipfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import httpx
import pytest
import trio

from simlab.bots.browser_participant import BrowserResult, browser_limiter, chromium_available, run_browser_participant

pytestmark = pytest.mark.skipif(chromium_available() is not None, reason=f"browser test: {chromium_available()}")

PASSWORD = "browser-test-admin"
EXPERIMENT = textwrap.dedent(
    """
    from simlab import Chain, Experiment


    class BrowserChain(Experiment):
        experiment_repeats = 1

        def create_network(self):
            return Chain()

        def add_node_to_network(self, node, network):
            network.add_node(node)
            parents = node.neighbors(direction="from")
            if parents:
                parents[0].transmit(to_whom=node)
    """
)


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@contextmanager
def simlab_serve(target: Path, log_path: Path, *, env: dict[str, str] | None = None, log_level: str = "WARNING") -> Iterator[str]:
    """``simlab serve TARGET --in-memory --no-launch`` on a free port in a subprocess; yields its URL, prints its log after.

    The tests launch it themselves (``POST /launch``, once), as the oracle's start does on real Dallinger;
    a second launch would start an experiment's background tasks twice (Dallinger's route does too).
    """
    port = free_port()
    with log_path.open("wb") as log:
        proc = subprocess.Popen(
            [sys.executable, "-m", "simlab", "serve", str(target), "--in-memory", "--no-launch", "--port", str(port), "--log-level", log_level],
            stdout=log, stderr=subprocess.STDOUT, env={**os.environ, **(env or {})}, cwd=log_path.parent,
        )
        try:
            yield f"http://127.0.0.1:{port}"
        finally:
            proc.terminate()
            try:
                proc.wait(timeout=10)
            except subprocess.TimeoutExpired:
                proc.kill()
                proc.wait()
    print(log_path.read_text(errors="replace")[-4000:])


@pytest.fixture(name="server")
def _server(tmp_path: Path) -> Iterator[str]:
    """``simlab serve --in-memory`` on a free port; yields its URL, shows its log on failure."""
    experiment = tmp_path / "browser_chain.py"
    experiment.write_text(EXPERIMENT)
    with simlab_serve(experiment, tmp_path / "serve.log", env={"OTREE_ADMIN_PASSWORD": PASSWORD}) as url:
        yield url


async def wait_ready(client: httpx.AsyncClient) -> None:
    with trio.fail_after(30):
        while True:
            try:
                if (await client.get("/")).status_code == 200:
                    return
            except httpx.TransportError:
                pass
            await trio.sleep(0.1)


def export_table(zipped: bytes, table: str) -> list[dict[str, str]]:
    with zipfile.ZipFile(io.BytesIO(zipped)) as archive:
        return list(csv.DictReader(io.StringIO(archive.read(f"data/{table}.csv").decode("utf-8"))))


async def check_participant(client: httpx.AsyncClient, result: BrowserResult) -> None:
    """Approved, with a node holding the info it typed."""
    participant = (await client.get(f"/participant/{result.participant_id}")).json()["participant"]
    assert participant["status"] == "approved"
    assert participant["end_time"]
    assert result.node_id is not None
    infos = (await client.get(f"/node/{result.node_id}/infos")).json()["infos"]
    assert [i["contents"] for i in infos] == [result.contents]


async def test_two_participants_complete_the_default_flow(server: str) -> None:
    async with httpx.AsyncClient(base_url=server, timeout=10) as client:
        await wait_ready(client)
        assert (await client.post("/launch")).status_code == 200
        with trio.fail_after(120):
            first = await run_browser_participant(server, 1, limiter=browser_limiter(), timeout=20)
            second = await run_browser_participant(server, 2, timeout=20)

        assert first.pages == ["/consent", "/instructions", "/exp", "/questionnaire", "/recruiter-exit"]
        assert first.received is None and first.contents
        # The chain passed the first participant's text to the second one's page.
        assert second.received == first.contents
        assert second.participant_id != first.participant_id
        for result in (first, second):
            await check_participant(client, result)
            assert result.exit_url.endswith(f"/recruiter-exit?participant_id={result.participant_id}")

        resp = await client.get("/export", auth=("admin", PASSWORD))
        assert resp.status_code == 200, resp.text[:200]
        questions = export_table(resp.content, "question")
        nodes = {row["id"]: row for row in export_table(resp.content, "node")}
        for result in (first, second):
            mine = [q for q in questions if q["participant_id"] == str(result.participant_id)]
            assert [(q["question"], q["number"]) for q in mine] == [("questionnaire", "1")]
            answers = json.loads(mine[0]["response"])
            assert {k: answers[k] for k in ("engagement", "difficulty")} == result.answers
            assert nodes[str(result.node_id)]["participant_id"] == str(result.participant_id)
