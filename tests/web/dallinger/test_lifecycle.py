"""Completion, failure, notifications, launch, summary, properties (spec 4.20–4.25, 7.4)."""

from __future__ import annotations

from typing import Any

import pytest

from simlab import Chain, Experiment

from .helpers import assert_error, assert_param_error


class AttentionFailsExperiment(Experiment):
    experiment_repeats = 1

    def create_network(self) -> Any:
        return Chain()

    def attention_check(self, participant: Any) -> bool:
        return False


class BadDataExperiment(AttentionFailsExperiment):
    def data_check(self, participant: Any) -> bool:
        return False


class BrokenSetupExperiment(Experiment):
    experiment_repeats = 1

    def create_network(self) -> Any:
        raise RuntimeError("no networks today")


# ----------------------------------------------------------- worker_complete


@pytest.mark.parametrize("method", ["GET", "POST"])
@pytest.mark.parametrize("recruiter", [None, "hotair"])
async def test_worker_complete_approves_with_base_pay(client, build, method, recruiter):
    p = await build.participant(recruiter=recruiter)
    node = await build.node(p["id"])
    if method == "GET":
        resp = await client.get("/worker_complete", params={"participant_id": p["id"]})
    else:
        resp = await client.post("/worker_complete", data={"participant_id": p["id"]})
    assert resp.status_code == 200
    assert resp.json() == {"status": "success"}
    got = await build.get(f"/participant/{p['id']}", "participant")
    assert (got["status"], got["base_pay"], got["bonus"]) == ("approved", 1.0, None)
    assert got["end_time"] is not None
    assert (await build.get(f"/node/{node['id']}/neighbors", "nodes")) == []
    assert build.store.get("node", node["id"]).failed is False


async def test_worker_complete_is_idempotent(client, build):
    p = await build.participant()
    await client.get("/worker_complete", params={"participant_id": p["id"]})
    first = await build.get(f"/participant/{p['id']}", "participant")
    resp = await client.get("/worker_complete", params={"participant_id": p["id"]})
    assert resp.json() == {"status": "success"}
    assert await build.get(f"/participant/{p['id']}", "participant") == first


@pytest.mark.parametrize(("experiment_class", "status"), [(AttentionFailsExperiment, "did_not_attend"),
                                                          (BadDataExperiment, "bad_data")])
async def test_worker_complete_failed_checks_fail_nodes(client, build, status):
    p = await build.participant()
    node = await build.node(p["id"])
    await client.get("/worker_complete", params={"participant_id": p["id"]})
    got = await build.get(f"/participant/{p['id']}", "participant")
    assert (got["status"], got["base_pay"], got["failed"]) == (status, 1.0, False)
    assert build.store.get("node", node["id"]).failed is True


@pytest.mark.parametrize(("recruiter", "status"), [("mturk", "recruiter_submission_started"),
                                                   ("prolific", "recruiter_submission_started"),
                                                   ("bots", "approved"), ("bots:SomeBot", "approved")])
async def test_worker_complete_status_by_recruiter(client, build, recruiter, status):
    p = await build.participant(recruiter=recruiter)
    await client.get("/worker_complete", params={"participant_id": p["id"]})
    assert (await build.get(f"/participant/{p['id']}", "participant"))["status"] == status


@pytest.mark.parametrize("route", ["/worker_complete", "/worker_failed"])
async def test_completion_routes_need_a_known_participant(client, route):
    assert_error(await client.get(route), 400, "bad request", error_text="participantId parameter is required")
    assert_error(await client.get(route, params={"participant_id": "999"}), 400, "ParticipantId not found: 999")


@pytest.mark.parametrize("route", ["/worker_complete", "/worker_failed"])
@pytest.mark.parametrize("pid", ["abc", "1e3", "99999999999999999999999999"])
async def test_completion_routes_bad_ids_are_4xx(client, route, pid):
    resp = await client.get(route, params={"participant_id": pid})
    assert 400 <= resp.status_code < 500
    assert_error(resp, resp.status_code)


# ------------------------------------------------------------- worker_failed


async def test_worker_failed_sets_end_time_only_and_blocks_completion(client, build):
    p = await build.participant()
    node = await build.node(p["id"])
    resp = await client.get("/worker_failed", params={"participant_id": p["id"]})
    assert resp.status_code == 200
    assert resp.json() == {"status": "success", "field": "status", "data": "success", "request_type": "worker failed"}
    assert list(resp.json()) == ["status", "field", "data", "request_type"]
    got = await build.get(f"/participant/{p['id']}", "participant")
    assert (got["status"], got["base_pay"]) == ("working", None)
    assert got["end_time"] is not None
    assert build.store.get("node", node["id"]).failed is False
    assert (await client.get("/worker_complete", params={"participant_id": p["id"]})).json() == {"status": "success"}
    assert (await build.get(f"/participant/{p['id']}", "participant"))["status"] == "working"


@pytest.mark.parametrize("recruiter", ["bots", "bots:HighPerformanceBot"])
async def test_worker_failed_rejects_bots(client, build, recruiter):
    p = await build.participant(recruiter=recruiter)
    await client.get("/worker_failed", params={"participant_id": p["id"]})
    got = await build.get(f"/participant/{p['id']}", "participant")
    assert got["status"] == "rejected"
    assert got["end_time"] is not None


async def test_worker_failed_reads_the_query_only(client, build):
    p = await build.participant()
    assert (await client.post("/worker_failed", data={"participant_id": p["id"]})).status_code == 405


# ------------------------------------------------------------- notifications


@pytest.mark.parametrize(
    ("event", "status", "nodes_failed"),
    [
        ("AssignmentAbandoned", "abandoned", True),
        ("AssignmentReturned", "returned", True),
        ("NotificationMissing", "missing_notification", False),
        ("AssignmentAccepted", "working", False),
        ("NoSuchEvent", "working", False),
    ],
)
@pytest.mark.parametrize("by", ["assignment", "participant_id"])
async def test_notifications_are_processed_synchronously(client, build, event, status, nodes_failed, by):
    p = await build.participant()
    node = await build.node(p["id"])
    data = {"Event.1.EventType": event}
    if by == "assignment":
        data["Event.1.AssignmentId"] = p["assignment_id"]
    else:
        data["participant_id"] = str(p["id"])
    resp = await client.post("/notifications", data=data)
    assert resp.status_code == 200
    assert resp.json() == {"status": "success"}
    got = await build.get(f"/participant/{p['id']}", "participant")
    assert got["status"] == status
    assert got["failed"] is False
    assert (got["end_time"] is not None) == (status not in ("working",))
    stored = build.store.get("node", node["id"])
    assert stored.failed is nodes_failed
    if nodes_failed:
        assert stored.failed_reason is None
    notes = [(n.assignment_id, n.event_type) for n in build.store.rows("notification")]
    known = event != "NoSuchEvent" and by == "assignment"
    assert notes == ([(p["assignment_id"], event)] if known else [])


async def test_notifications_by_query_string_get(client, build):
    p = await build.participant()
    resp = await client.get(f"/notifications?Event.1.EventType=AssignmentReturned&Event.1.AssignmentId={p['assignment_id']}")
    assert resp.json() == {"status": "success"}
    assert (await build.get(f"/participant/{p['id']}", "participant"))["status"] == "returned"


@pytest.mark.parametrize("event", ["AssignmentAbandoned", "AssignmentReturned", "NotificationMissing"])
async def test_notifications_only_change_working_participants(client, build, event):
    p = await build.participant()
    await client.get("/worker_complete", params={"participant_id": p["id"]})
    before = await build.get(f"/participant/{p['id']}", "participant")
    await client.post("/notifications", data={"Event.1.EventType": event, "Event.1.AssignmentId": p["assignment_id"]})
    assert await build.get(f"/participant/{p['id']}", "participant") == before


async def test_notifications_missing_event_type_is_400(client, build):
    # Dallinger: 500 KeyError (spec 4.20, 9.3); simlab: 400 naming the parameter.
    p = await build.participant()
    before = build.counts()
    resp = await client.post("/notifications", data={"Event.1.AssignmentId": p["assignment_id"]})
    assert_param_error(resp, "Event.1.EventType")
    assert build.counts() == before


async def test_abandonment_fails_nodes_with_cascade(client, build):
    await build.chain(3)
    await build.info(2)
    await build.transmit(2)
    p2 = build.store.get("participant", 2)
    await client.post("/notifications", data={"Event.1.EventType": "AssignmentAbandoned",
                                              "Event.1.AssignmentId": p2.assignment_id})
    vectors = build.store.rows("vector")
    assert [(v.failed, v.failed_reason) for v in vectors] == [(True, "->Node2"), (True, "->Node2")]
    (info,) = build.store.rows("info")
    (tr,) = build.store.rows("transmission")
    assert (info.failed, info.failed_reason) == (True, "->Node2")
    assert tr.failed is True
    assert tr.failed_reason == "->Node2->Vector2"
    net = await build.get("/network/1", "network")
    assert (net["n_alive_nodes"], net["n_failed_nodes"], net["n_failed_infos"]) == (2, 1, 1)
    # The chain continues from the newest live node.
    new = await build.agent()
    assert [v["origin_id"] for v in await build.get(f"/node/{new['id']}/vectors", "vectors")] == [3]


# -------------------------------------------------------------------- launch


async def test_launch_again_does_not_duplicate_networks(client, build):
    resp = await client.post("/launch")
    assert resp.status_code == 200
    body = resp.json()
    assert list(body) == ["status", "recruitment_msg"]
    assert body["recruitment_msg"].startswith("Initial recruitment list:\n")
    assert "\nAdditional details:\n" in body["recruitment_msg"]
    assert build.store.count("network") == 1


@pytest.mark.parametrize("experiment_class", [BrokenSetupExperiment])
async def test_launch_failure_is_simple_500(app):
    import httpx

    async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://127.0.0.1:5000") as c:
        resp = await c.post("/launch")
    assert resp.status_code == 500
    body = resp.json()
    assert list(body) == ["status", "message"]
    assert body["status"] == "error"
    assert body["message"].startswith("An error occurred while setting up experiment, check experiment server log")
    assert app.extensions["simlab"].store.count("network") == 0


# ------------------------------------------------------------------- summary


async def test_summary_with_one_open_chain(client, build):
    await build.chain(2)
    p = await build.participant()
    await client.get("/worker_complete", params={"participant_id": p["id"]})
    resp = await client.get("/summary")
    body = resp.json()
    assert list(body) == ["status", "summary", "completed", "unfilled_networks", "nodes_remaining", "required_nodes"]
    assert body["summary"] == [["approved", 1], ["working", 2]]
    assert (body["completed"], body["unfilled_networks"]) == (False, 1)
    assert (body["required_nodes"], body["nodes_remaining"]) == (1000000, 999998)


@pytest.mark.parametrize("experiment_class", [Experiment])
async def test_summary_without_networks_is_completed(client):
    body = (await client.get("/summary")).json()
    assert body == {"status": "success", "summary": [], "completed": True, "unfilled_networks": 0,
                    "nodes_remaining": 0, "required_nodes": 0}


@pytest.mark.parametrize("experiment_class", [Experiment])
async def test_summary_not_completed_while_someone_works(client, build):
    await build.participant()
    assert (await client.get("/summary")).json()["completed"] is False


# ---------------------------------------------------------------- properties


@pytest.mark.parametrize("route", ["/experiment", "/experiment_property"])
@pytest.mark.parametrize(("prop", "value"), [("conformance", True), ("label", "simlab")])
async def test_public_properties(client, route, prop, value):
    resp = await client.get(f"{route}/{prop}")
    assert resp.status_code == 200
    assert resp.json() == {"status": "success", prop: value}
    assert list(resp.json()) == ["status", prop]


@pytest.mark.parametrize("route", ["/experiment", "/experiment_property"])
async def test_unknown_property_is_404(client, route):
    resp = await client.get(f"{route}/nothing")
    assert resp.status_code == 404
    assert resp.headers["content-type"].startswith("text/html")


async def test_worker_complete_by_the_unique_id_of_dallinger_3(client, build):
    """3.x's dallinger.js completes with ``uniqueId=worker_id:assignment_id`` (no participant_id)."""
    p = await build.participant()
    worker = "w" + p["hit_id"][1:]  # the builder signs up w<n>/h<n>/a<n>
    resp = await client.get("/worker_complete", params={"uniqueId": f"{worker}:{p['assignment_id']}"})
    assert resp.status_code == 200, resp.text
    assert (await build.get(f"/participant/{p['id']}", "participant"))["status"] == "approved"
    unknown = await client.get("/worker_complete", params={"uniqueId": f"{worker}:elsewhere"})
    assert unknown.status_code == 400
    assert "UniqueId not found" in unknown.text
