"""Experiment folders of each Dallinger era, unchanged, served and driven through the API.

The folders (``eras_surface/``) are written as each release's documentation and
the cookiecutter template write them; each test checks the state the experiment
itself defines, so it fails when an era's class no longer constructs (its
``__init__``, attributes, hooks) or a name it imports stops resolving.
"""

from __future__ import annotations

import subprocess
import sys
from collections.abc import AsyncIterator, Callable
from pathlib import Path
from typing import Any

import httpx
import pytest

from simlab import Settings
from simlab.server import build_server
from simlab.sources import load_source
from tests.browser.test_browser_flow import simlab_serve, wait_ready

from .conftest import finish, sign_up

ERAS = Path(__file__).resolve().parent / "eras_surface"


@pytest.fixture(name="serve_era")
async def _serve_era(monkeypatch: pytest.MonkeyPatch) -> AsyncIterator[Callable[..., Any]]:
    """``await serve_era(name)`` -> (experiment, client), launched, in process."""
    clients: list[httpx.AsyncClient] = []

    async def serve(name: str) -> tuple[Any, httpx.AsyncClient]:
        server = build_server(load_source(ERAS / name), Settings(seed=3))
        app = server.app
        monkeypatch.chdir(server.working_dir)
        client = httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://127.0.0.1:5000")
        clients.append(client)
        resp = await client.post("/launch")
        assert resp.status_code == 200, resp.text
        return app.extensions["simlab"].exp, client

    yield serve
    for client in clients:
        await client.aclose()


async def test_v8_cookiecutter_template_runs_as_generated(serve_era) -> None:
    exp, client = await serve_era("v8_cookiecutter")
    # set in ``if session:`` of __init__(self, session=None): the build passed the session
    assert (exp.experiment_repeats, exp.num_participants, exp.custom_variable) == (1, 2, True)
    assert exp.config.get("mturk_qualification_blocklist") == "cookie_cutter_pilot"  # qualification_blacklist
    assert [n.max_size for n in exp.networks()] == [2]  # self.setup() in __init__ made the network
    for n in (1, 2):
        pid = await sign_up(client, n)
        node = (await client.post(f"/node/{pid}")).json()["node"]
        resp = await client.post(f"/info/{node['id']}", data={"contents": f"answer {n}", "info_type": "Info"})
        assert resp.status_code == 200, resp.text
        assert await finish(client, pid) == "approved"
    pid = await sign_up(client, 3)
    assert (await client.post(f"/node/{pid}")).status_code == 403  # Empty(max_size=num_participants) is full


async def test_v9_session_hook_story_chain_and_the_9x_hook(serve_era) -> None:
    exp, client = await serve_era("v9_session_hook")
    assert (exp.experiment_repeats, exp.chain_length) == (1, 2)
    assert [n.type for n in exp.store.rows("node")] == ["story_source"]  # setup() from __init__
    pid = await sign_up(client, 1)
    node = (await client.post(f"/node/{pid}")).json()["node"]
    received = (await client.get(f"/node/{node['id']}/received_infos")).json()["infos"]
    assert [i["contents"] for i in received] == ["Once upon a time"]
    assert await finish(client, pid) == "approved"
    participant = (await client.get(f"/participant/{pid}")).json()["participant"]
    assert participant["property1"] == "RecruiterSubmissionComplete"  # on_assignment_submitted_to_recruiter ran


async def test_v10_session_positional_sets_everything_in_init(serve_era) -> None:
    exp, client = await serve_era("v10_session_positional")
    assert (exp.experiment_repeats, exp.initial_recruitment_size, exp.rounds) == (2, 2, 3)
    assert "Guess" in exp.known_classes and exp.public_properties == {"rounds": 3, "era": "10.x"}
    assert [n.type for n in exp.store.rows("node")] == ["secret_source", "secret_source"]  # its setup()
    assert (await client.get("/experiment/era")).json()["era"] == "10.x"
    pid = await sign_up(client, 1)
    node = (await client.post(f"/node/{pid}")).json()["node"]
    assert node["type"] == "guesser"  # create_node(self, participant, network)
    received = (await client.get(f"/node/{node['id']}/received_infos")).json()["infos"]
    assert len(received) == 1 and 1 <= int(received[0]["contents"]) <= 100  # add_node_to_network transmitted
    resp = await client.post(f"/info/{node['id']}", data={"contents": "50", "info_type": "Guess"})
    assert resp.status_code == 200 and resp.json()["info"]["property1"] == "checked"  # info_post_request
    assert await finish(client, pid) == "approved"  # data_check, attention_check
    participant = (await client.get(f"/participant/{pid}")).json()["participant"]
    assert participant["bonus"] == 0.25 and participant["property2"] == "RecruiterSubmissionComplete"
    pid = await sign_up(client, 2)
    await client.post(f"/node/{pid}")
    assert await finish(client, pid) == "did_not_attend"  # no Guess: its attention_check fails


async def test_v11_configure_quorum_channel_route_and_publish(serve_era) -> None:
    exp, client = await serve_era("v11_configure")
    assert (exp.quorum, exp.channel, exp.experiment_repeats, exp.initial_recruitment_size) == (2, "signalling", 1, 2)
    published: list[tuple[str, str]] = []
    exp.message_bus = lambda channel, payload: published.append((channel, payload))
    nodes = []
    for n in (1, 2):
        pid = await sign_up(client, n)
        node = (await client.post(f"/node/{pid}")).json()["node"]
        assert node["property1"] == f'{{"joined": {pid}}}'  # node_post_request
        nodes.append((pid, node["id"]))
    resp = await client.post(f"/info/{nodes[0][1]}", data={"contents": "red", "info_type": "Info"})
    assert resp.status_code == 200, resp.text
    assert published == [("signalling", f'{{"type": "signal", "from": {nodes[0][1]}, "contents": "red"}}')]
    got = (await client.get(f"/signals/{nodes[1][1]}")).json()
    assert got == {"status": "success", "signals": ["red"], "players": 2}  # its @experiment_route
    assert (await client.get("/signals/999")).status_code == 404
    pid = await sign_up(client, 3)
    participant = (await client.get(f"/participant/{pid}")).json()["participant"]
    assert participant["status"] == "overrecruited"  # a third player past the quorum of its configure()
    for pid, _ in nodes:
        assert await finish(client, pid) == "approved"


async def test_v12_no_configure_class_attributes_and_synonym_registration(serve_era) -> None:
    exp, client = await serve_era("v12_no_configure")
    assert exp.rounds == 4  # config.txt's n_rounds, a synonym registered by extra_parameters
    assert "Rating" in exp.known_classes and exp.public_properties == {"scale": 7}
    pid = await sign_up(client, 1)
    assert exp.store.rows("participant")[0].type == "rater"  # participant_constructor
    node = (await client.post(f"/node/{pid}")).json()["node"]
    resp = await client.post(f"/info/{node['id']}", data={"contents": "6", "info_type": "Rating"})
    assert resp.status_code == 200 and resp.json()["info"]["type"] == "rating"
    classes = (await client.get("/mapped_classes")).json()["classes"]
    assert classes == {"Agent": "node", "Empty": "network", "Rater": "participant", "Rating": "info"}
    assert await finish(client, pid) == "approved"
    assert (await client.get("/summary")).json()["completed"] is True  # its is_complete()


@pytest.mark.parametrize("era", ["v8_cookiecutter", "v12_no_configure"])
async def test_an_era_folder_is_served_by_simlab_serve(era: str, tmp_path: Path) -> None:
    with simlab_serve(ERAS / era, tmp_path / "serve.log") as url:
        async with httpx.AsyncClient(base_url=url, timeout=30) as client:
            await wait_ready(client)
            assert (await client.post("/launch")).status_code == 200
            pid = await sign_up(client, 1)
            node = (await client.post(f"/node/{pid}")).json()["node"]
            resp = await client.post(f"/info/{node['id']}", data={"contents": "x", "info_type": "Info"})
            assert resp.status_code == 200, resp.text
            assert await finish(client, pid) == "approved"


@pytest.mark.parametrize(
    ("folder", "line"),
    [
        ("missing_name", "dallinger.experiments.Experimnet is not provided by simlab (no Dallinger release 3.4.1–12.4.0 has it)"),
        ("absent_name", "dallinger.heroku is deliberately absent: deployment tooling"),
    ],
)
@pytest.mark.parametrize("command", [["serve", "--in-memory", "--port", "0"], ["scenario", "run"]])
def test_a_missing_name_is_one_line_and_exit_2(folder: str, line: str, command: list[str]) -> None:
    if command[0] == "serve":
        argv = [sys.executable, "-m", "simlab", "serve", str(ERAS / folder), *command[1:]]
    else:
        argv = [sys.executable, "-m", "simlab", *command, str(ERAS / folder)]
    done = subprocess.run(argv, capture_output=True, text=True, timeout=120)
    assert done.returncode == 2, done.stderr
    lines = [ln for ln in done.stderr.splitlines() if ln.strip()]
    assert len(lines) == 1 and line in lines[0], done.stderr
    assert "Traceback" not in done.stderr and "ModuleNotFoundError" not in done.stderr
