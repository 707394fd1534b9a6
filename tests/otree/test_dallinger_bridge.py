"""One participant, two APIs: REST-posted vars steer the experiment's Dallinger hooks."""

from __future__ import annotations

from typing import Any

import httpx
import pytest

from simlab import Chain, Experiment

from .conftest import AUTH


class AgeSplitExperiment(Experiment):
    """Two chains: participants aged 40 or more join the second one (a hook reading oTree vars)."""

    experiment_repeats = 2

    def create_network(self) -> Any:
        return Chain(max_size=10)

    def get_network_for_participant(self, participant: Any) -> Any:
        young, old = sorted(self.networks(role="experiment"), key=lambda n: n.id)
        wanted = old if participant.vars.get("age", 0) >= 40 else young
        joined = {n.network_id for n in participant.nodes(failed="all")}
        return None if wanted.id in joined else wanted


@pytest.fixture(name="experiment_class")
def _experiment_class() -> type[Experiment]:
    return AgeSplitExperiment


async def test_hook_reads_rest_posted_vars(client: httpx.AsyncClient, store: Any) -> None:
    assert (await client.post("/launch")).status_code == 200
    young_net, old_net = sorted(n.id for n in store.rows("network"))
    # one participant's vars arrive before it does, through the room; the other's by code
    await client.post("/api/participant_vars", json={"room_name": "lab", "participant_label": "dave", "vars": {"age": 61}}, headers=AUTH)
    session = (await client.post("/api/sessions", json={"session_config_name": "solo", "num_participants": 2, "room_name": "lab"}, headers=AUTH)).json()
    resp = await client.get("/room/lab?participant_label=dave&welcome_page_ok=1")
    dave = store.participant_by_code(resp.headers["location"].rsplit("/", 1)[1])
    other = store.participants_of_session(session["code"])[1]
    await client.post(f"/api/participant_vars/{other.code}", json={"vars": {"age": 19}}, headers=AUTH)

    resp = await client.post(f"/node/{dave.id}")
    assert resp.status_code == 200, resp.text
    assert resp.json()["node"]["network_id"] == old_net
    resp = await client.post(f"/node/{other.id}")
    assert resp.json()["node"]["network_id"] == young_net


async def test_dallinger_routes_work_for_otree_participants(client: httpx.AsyncClient, store: Any) -> None:
    assert (await client.post("/launch")).status_code == 200
    session = (await client.post("/api/sessions", json={"session_config_name": "solo", "num_participants": 2}, headers=AUTH)).json()
    p = store.participants_of_session(session["code"])[0]
    resp = await client.get(f"/participant/{p.id}")
    assert resp.status_code == 200
    data = resp.json()["participant"]
    assert (data["hit_id"], data["assignment_id"], data["mode"], data["status"]) == (session["code"], p.code, "otree", "working")
    resp = await client.post("/worker_complete", data={"participant_id": str(p.id)})
    assert resp.status_code == 200, resp.text
    assert p.status != "working"
    detail = (await client.post(f"/api/get_session/{session['code']}", headers=AUTH)).json()
    # oTree's own status ("" unless study code sets it), not Dallinger's column (issue 14)
    assert [q["status"] for q in detail["participants"]] == ["", ""]
