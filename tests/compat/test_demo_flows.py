"""Dallinger's demos, unedited, driven through the API as their pages drive them.

Each test checks the state the experiment itself defines (its own models,
hooks, routes and config), so it fails if simlab's Dallinger names, its
``db.session``/query layer, typed config or experiment routes break.
"""

from __future__ import annotations

import json

import pytest

from .conftest import DEMOS, finish, sign_up


async def test_bartlett1932_story_goes_down_the_chain(serve_demo) -> None:
    app, client = await serve_demo("bartlett1932")
    exp = app.extensions["simlab"].exp
    assert exp.num_participants == 3  # registered int in extra_parameters, read in configure()
    assert exp.config.get("mode") == "debug"  # config.txt says sandbox; simlab runs as `dallinger debug`
    stories = {p.read_text() for p in (DEMOS / "bartlett1932" / "static" / "stimuli").glob("*.md")}
    previous = None
    for n in (1, 2):
        pid = await sign_up(client, n)
        node = (await client.post(f"/node/{pid}")).json()["node"]
        infos = (await client.get(f"/node/{node['id']}/received_infos")).json()["infos"]
        assert len(infos) == 1
        if previous is None:
            assert infos[0]["contents"] in stories
            assert infos[0]["type"] == "info"
        else:
            assert infos[0]["contents"] == previous
        previous = f"retold by participant {n}"
        resp = await client.post(f"/info/{node['id']}", data={"contents": previous, "info_type": "Info"})
        assert resp.status_code == 200, resp.text
        assert await finish(client, pid) == "approved"
    source = exp.store.rows("node")[0]
    assert source.type == "war_of_the_ghosts_source"
    pid = await sign_up(client, 3)
    assert (await client.post(f"/node/{pid}")).status_code == 403  # Chain(max_size=3) counts the source


async def test_mcmcp_choices_through_its_route(serve_demo) -> None:
    app, client = await serve_demo("mcmcp")
    pid = await sign_up(client, 1)
    node = (await client.post(f"/node/{pid}")).json()["node"]
    assert node["type"] == "MCMCP_agent"
    infos = (await client.get(f"/node/{node['id']}/infos")).json()["infos"]
    assert len(infos) == 2 and {i["type"] for i in infos} == {"vector_info"}
    resp = await client.post(f"/choice/{node['id']}/0")
    assert resp.status_code == 200 and resp.headers["content-type"] == "application/json"
    chosen = max(infos, key=lambda i: i["id"])
    stored = (await client.get(f"/info/{node['id']}/{chosen['id']}")).json()["info"]
    assert stored["property1"] == "True"
    assert (await client.post(f"/choice/{node['id']}/7")).status_code == 403  # the route's own error answer
    assert (await client.post("/choice/999/0")).status_code == 403
    assert await finish(client, pid) == "approved"  # data_check: one chosen info per trial
    # custom models are exported as Dallinger exports them: the type column holds the identity
    import csv
    import io
    import zipfile

    from simlab.persistence.export import export_zip_bytes, snapshot

    with zipfile.ZipFile(io.BytesIO(export_zip_bytes(snapshot(app.extensions["simlab"].exp.store)))) as zf:
        nodes = list(csv.DictReader(io.StringIO(zf.read("data/node.csv").decode())))
        infos = list(csv.DictReader(io.StringIO(zf.read("data/info.csv").decode())))
        transformations = list(csv.DictReader(io.StringIO(zf.read("data/transformation.csv").decode())))
    assert [n["type"] for n in nodes] == ["animal_source", "MCMCP_agent"]
    assert {i["type"] for i in infos} == {"vector_info"}
    assert [t["type"] for t in transformations] == ["replication", "perturbation"]  # MCMCPAgent.update
    assert sorted(i["property1"] for i in infos if i["property1"]) == ["True"]


async def test_rogers_generations_fitness_and_hybrid_queries(serve_demo) -> None:
    app, client = await serve_demo("rogers")
    exp = app.extensions["simlab"].exp
    assert exp.generation_size == 2 and exp.difficulties[:3] == [0.525, 0.5625, 0.65]
    networks = exp.networks()
    assert len(networks) == 10 and {n.role for n in networks} == {"experiment"}
    pid = await sign_up(client, 1)
    for _ in range(10):
        node = (await client.post(f"/node/{pid}")).json()["node"]
        assert node["type"] == "rogers_agent" and node["property2"] == "0"  # generation 0
        resp = await client.post(f"/info/{node['id']}", data={"contents": "blue", "info_type": "Meme"})
        assert resp.status_code == 200, resp.text
    assert (await client.post(f"/node/{pid}")).status_code == 403  # one node per network
    assert await finish(client, pid) == "approved"
    participant = exp.store.get("participant", pid)
    nodes = participant.nodes()
    assert all(n.fitness is not None and n.score in (0, 1) for n in nodes)
    expected = round(max(0.0, (sum(n.score for n in nodes) / 10 - 0.5) * 2) * 1.0, 2)
    assert (participant.bonus or 0) == (expected if expected >= 0.01 else 0)
    from dallinger import db

    with_context = app.experiment
    from simlab.domain.context import serving

    agent_class = type(nodes[0])
    with serving(with_context):
        generation_zero = db.session.query(agent_class).filter_by(generation=0, failed=False).all()
        assert sorted(n.id for n in generation_zero) == sorted(n.id for n in nodes)
        assert db.session.query(agent_class).filter(agent_class.generation > 0).count() == 0


async def test_function_learning_identity_from_declared_attr(serve_demo) -> None:
    app, client = await serve_demo("function_learning")
    pid = await sign_up(client, 1)
    node = (await client.post(f"/node/{pid}")).json()["node"]
    infos = (await client.get(f"/node/{node['id']}/received_infos")).json()["infos"]
    data = json.loads(infos[0]["contents"])
    assert len(data["x"]) == len(data["y"]) == 20
    source = app.extensions["simlab"].exp.store.rows("node")[0]
    assert source.type == "sinusoidalfunctionsource"


async def test_chatroom_messages_reach_the_other_participant(serve_demo) -> None:
    app, client = await serve_demo("chatroom")
    exp = app.extensions["simlab"].exp
    assert exp.quorum == 2 and exp.network_class == "FullyConnected"
    nodes = []
    for n in (1, 2):
        pid = await sign_up(client, n)
        nodes.append((await client.post(f"/node/{pid}")).json()["node"]["id"])
    resp = await client.post(f"/info/{nodes[0]}", data={"contents": "Hello.", "info_type": "Info"})
    assert resp.status_code == 200
    received = (await client.get(f"/node/{nodes[1]}/transmissions", params={"status": "all"})).json()
    assert [t["info_id"] for t in received["transmissions"]] == [resp.json()["info"]["id"]]


async def test_sheep_market_routes_serve_the_drawings(serve_demo) -> None:
    app, client = await serve_demo("sheep_market")
    pid = await sign_up(client, 1)
    node = (await client.post(f"/node/{pid}")).json()["node"]
    sketch = {"image": "data:image/png;base64,AA==", "sketch": "M 1 1"}
    await client.post(f"/info/{node['id']}", data={"contents": json.dumps(sketch), "info_type": "Info"})
    resp = await client.get("/drawings")
    assert resp.status_code == 200 and resp.json() == {"drawings": [sketch]}


# iterated_drawing's own DrawingSource opens its image without closing it
@pytest.mark.filterwarnings("ignore::pytest.PytestUnraisableExceptionWarning")
async def test_every_demo_loads_and_admits_a_participant(serve_demo) -> None:
    for name in ("concentration", "snake", "twentyfortyeight", "vox_populi", "iterated_drawing", "chatroom_ws"):
        app, client = await serve_demo(name)
        pid = await sign_up(client, 1)
        resp = await client.post(f"/node/{pid}")
        assert resp.status_code == 200, (name, resp.text)
        assert await finish(client, pid) == "approved", name


async def test_chatroom_ws_messages_become_infos_and_transmissions(serve_demo) -> None:
    import trio

    app, client = await serve_demo("chatroom_ws")
    exp = app.extensions["simlab"].exp
    pids = [await sign_up(client, n) for n in (1, 2)]
    nodes = [(await client.post(f"/node/{pid}")).json()["node"]["id"] for pid in pids]
    ws_client = app.test_client()
    first = f"/chat?channel=chatroom&worker_id=W1&participant_id={pids[0]}"
    second = f"/chat?channel=chatroom&worker_id=W2&participant_id={pids[1]}"
    async with ws_client.websocket(first) as alice, ws_client.websocket(second) as bob:
        with trio.fail_after(10):  # both subscribed: an explicit state, not a sleep
            while app.extensions["simlab"].pubsub.subscribers("chatroom") < 2:
                await trio.sleep(0)
        await alice.send("chatroom:" + json.dumps({"type": "chat", "content": "Hi Bob", "sender": pids[0]}))
        with trio.fail_after(5):
            while True:
                frame = await bob.receive()
                if "Hi Bob" in frame:
                    break
    infos = exp.store.node_index(nodes[0]).infos
    chat = [i for i in infos if i.contents == "Hi Bob"]
    assert len(chat) == 1 and chat[0].details["sender"] == pids[0]
    received = (await client.get(f"/node/{nodes[1]}/transmissions", params={"status": "all"})).json()["transmissions"]
    assert [t["info_id"] for t in received] == [chat[0].id]
    # leaving: the control channel marked the nodes unsubscribed (receive_message's own bookkeeping)
    assert exp.store.get("node", nodes[0]).details.get("subscribed") is False


async def test_sheep_market_gallery_renders_its_template_from_a_route(serve_demo) -> None:
    app, client = await serve_demo("sheep_market")
    resp = await client.get("/gallery")
    assert resp.status_code == 200 and "text/html" in resp.headers["content-type"]
    assert "/static/" in resp.text  # url_for('static', ...) inside the route's render_template
