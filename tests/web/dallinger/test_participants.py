"""Participants, questions and networks: spec 4.1–4.6, 7.5 (quorum), 9.14 (ids)."""

from __future__ import annotations

from typing import Any

import pytest

from simlab import Chain, Experiment

from .helpers import NETWORK_KEYS, PARTICIPANT_KEYS, assert_error, assert_param_error


class QuorumExperiment(Experiment):
    experiment_repeats = 1
    quorum = 2

    def create_network(self) -> Any:
        return Chain()


async def test_create_participant_answers_participant_json_with_worker_and_unique_id(client):
    resp = await client.post("/participant/W1/H1/A1/debug")
    assert resp.status_code == 200
    assert resp.headers["content-type"].startswith("application/json")
    body = resp.json()
    assert list(body) == ["status", "participant"]
    p = body["participant"]
    assert list(p) == PARTICIPANT_KEYS + ["unique_id", "worker_id"]
    assert p["id"] == 1
    assert (p["worker_id"], p["hit_id"], p["assignment_id"], p["unique_id"]) == ("W1", "H1", "A1", "W1:A1")
    assert (p["mode"], p["recruiter"], p["status"], p["type"], p["object_type"]) == (
        "debug", "hotair", "working", "participant", "Participant",
    )
    assert (p["failed"], p["end_time"], p["base_pay"], p["bonus"], p["details"]) == (False, None, None, None, {})


async def test_participant_ids_count_from_one(build):
    assert [(await build.participant())["id"] for _ in range(3)] == [1, 2, 3]


async def test_mode_and_recruiter_are_stored_verbatim(client):
    resp = await client.post("/participant/W1/H1/A1/sandbox", params={"recruiter": "bots:MyBot"})
    p = resp.json()["participant"]
    assert (p["mode"], p["recruiter"]) == ("sandbox", "bots:MyBot")


@pytest.mark.parametrize("path", ["undefined/H/A/debug", "W/undefined/A/debug", "W/H/undefined/debug"])
async def test_undefined_ids_are_403(client, build, path):
    before = build.counts()
    resp = await client.post(f"/participant/{path}")
    assert_error(resp, 403, "/participant POST: required values were 'undefined'")
    assert build.counts() == before


async def test_mode_undefined_is_not_checked(client):
    assert (await client.post("/participant/W/H/A/undefined")).status_code == 200


async def test_repeat_worker_is_403_even_after_completion(client):
    await client.post("/participant/W1/H1/A1/debug")
    await client.get("/worker_complete", params={"participant_id": 1})
    resp = await client.post("/participant/W1/H2/A2/debug")
    assert_error(resp, 403, "/participant POST: worker has already participated.")


async def test_duplicate_assignment_replaces_the_working_participant(client, build):
    first = await build.participant(assignment="SAME")
    node = await build.node(first["id"])
    second = await build.participant(assignment="SAME")
    assert second["status"] == "working"
    old = await build.get(f"/participant/{first['id']}", "participant")
    assert old["status"] == "replaced"
    assert old["end_time"] is not None
    assert old["failed"] is False
    assert build.store.get("node", node["id"]).failed is True


async def test_form_participant_maps_ids_and_keeps_the_rest_as_entry_information(client):
    form = {
        "workerId": "W9", "hitId": "H9", "assignmentId": "A9", "mode": "sandbox",
        "fingerprint_hash": "fp", "extra": "xyz", "hit_id": "snake",
    }
    resp = await client.post("/participant", data=form)
    assert resp.status_code == 200, resp.text
    p = resp.json()["participant"]
    assert (p["worker_id"], p["hit_id"], p["assignment_id"], p["mode"]) == ("W9", "H9", "A9", "sandbox")
    assert p["entry_information"] == {"extra": "xyz", "hit_id": "snake"}


async def test_form_participant_mode_defaults_to_config_mode(client):
    resp = await client.post("/participant", data={"workerId": "W", "hitId": "H", "assignmentId": "A"})
    assert resp.json()["participant"]["mode"] == "debug"


async def test_form_participant_without_ids_is_400(client, build):
    before = build.counts()
    resp = await client.post("/participant", data={"workerId": "W"})
    assert_error(resp, 400, "/participant POST: an error occurred while registering the participant.")
    assert build.counts() == before


async def test_get_participant_has_no_worker_or_unique_id(client, build):
    made = await build.participant()
    resp = await client.get(f"/participant/{made['id']}")
    assert resp.status_code == 200
    assert list(resp.json()) == ["status", "participant"]
    got = resp.json()["participant"]
    assert list(got) == PARTICIPANT_KEYS
    assert got == {k: made[k] for k in PARTICIPANT_KEYS}


@pytest.mark.parametrize("pid", ["999", "99999999999999999999999999999999"])
async def test_get_unknown_participant_is_403(client, pid):
    assert_error(await client.get(f"/participant/{pid}"), 403, "/participant GET: no participant found")


async def test_get_non_numeric_participant_is_400(client):
    assert_param_error(await client.get("/participant/abc"), "participant_id", "abc")


@pytest.mark.parametrize("key", ["assignmentId", "assignment_id"])
async def test_load_participant_by_assignment(client, build, key):
    made = await build.participant(assignment="AX")
    resp = await client.post("/load-participant", data={key: "AX"})
    assert resp.status_code == 200
    assert list(resp.json()) == ["status", "participant"]
    assert resp.json()["participant"]["id"] == made["id"]
    assert list(resp.json()["participant"]) == PARTICIPANT_KEYS


@pytest.mark.parametrize(
    ("form", "code"), [({}, "assignment_id_missing"), ({"assignmentId": "nobody"}, "participant_not_found")]
)
async def test_load_participant_errors_carry_error_code(client, form, code):
    resp = await client.post("/load-participant", data=form or None)
    assert_error(resp, 403, "/load-participant POST: no participant found")
    assert resp.json()["error_code"] == code


async def test_get_network(client, build):
    node = await build.agent()
    await build.info(node["id"])
    resp = await client.get("/network/1")
    assert list(resp.json()) == ["status", "network"]
    net = resp.json()["network"]
    assert list(net) == NETWORK_KEYS
    assert (net["id"], net["type"], net["max_size"], net["full"], net["role"], net["object_type"]) == (
        1, "chain", 1000000, False, "experiment", "Network",
    )
    assert (net["n_pending_infos"], net["n_completed_infos"], net["n_failed_infos"]) == (0, 1, 0)
    assert (net["n_alive_nodes"], net["n_failed_nodes"]) == (1, 0)


@pytest.mark.parametrize("nid", ["999", "0", "-1", "123456789012345678901234567890"])
async def test_get_unknown_network_is_403(client, nid):
    assert_error(await client.get(f"/network/{nid}"), 403, "/network GET: no network found")


async def test_get_non_numeric_network_is_400(client):
    assert_param_error(await client.get("/network/abc"), "network_id", "abc")


# ----------------------------------------------------------------- questions


async def test_question_success_is_bare_and_stored(client, build):
    p = await build.participant()
    resp = await client.post(f"/question/{p['id']}", data={"question": "q", "response": "r", "number": "1"})
    assert resp.status_code == 200
    assert resp.json() == {"status": "success"}
    (q,) = build.store.questions_of(p["id"])
    assert (q.question, q.response, q.number) == ("q", "r", 1)


async def test_question_unknown_participant_is_checked_before_parameters(client):
    assert_error(await client.post("/question/999"), 403, "/question POST no participant found")


@pytest.mark.parametrize(
    ("form", "words"),
    [
        ({}, ["question not specified"]),
        ({"question": "q"}, ["response not specified"]),
        ({"question": "q", "response": "r"}, ["number not specified"]),
        ({"question": "q", "response": "r", "number": "one"}, ["non-numeric number: one"]),
    ],
)
async def test_question_parameters_in_order(client, build, form, words):
    p = await build.participant()
    resp = await client.post(f"/question/{p['id']}", data=form or None)
    message = assert_param_error(resp, *words)
    assert message == f"http://127.0.0.1:5000/question/{p['id']} POST request, {words[0]}"


@pytest.mark.parametrize(("field", "size", "ok"), [("question", 1000, True), ("question", 1001, False),
                                                    ("response", 1000, True), ("response", 1001, False)])
async def test_question_max_length(client, build, field, size, ok):
    p = await build.participant()
    form = {"question": "q", "response": "r", "number": "1", field: "x" * size}
    resp = await client.post(f"/question/{p['id']}", data=form)
    if ok:
        assert resp.json() == {"status": "success"}
    else:
        assert_error(resp, 400, "/question POST length too long")
        assert build.store.questions_of(p["id"]) == []


async def test_approved_participant_may_still_answer(client, build):
    p = await build.participant()
    await client.get("/worker_complete", params={"participant_id": p["id"]})
    resp = await client.post(f"/question/{p['id']}", data={"question": "q", "response": "r", "number": "1"})
    assert resp.json() == {"status": "success"}


async def test_mturk_recruiter_rejects_questionnaire_after_submission(client, build):
    p = await build.participant(recruiter="mturk")
    await client.get("/worker_complete", params={"participant_id": p["id"]})
    resp = await client.post(f"/question/{p['id']}", data={"question": "q", "response": "r", "number": "1"})
    fields = assert_error(resp, 400)
    assert fields["error_type"].startswith("/question POST, status = recruiter_submission_started, reason: ")


# -------------------------------------------------------------------- quorum


@pytest.mark.parametrize("experiment_class", [QuorumExperiment])
async def test_quorum_is_reported_and_overrecruits(client, build):
    answers = [(await client.post(f"/participant/W{i}/H{i}/A{i}/debug")).json() for i in range(3)]
    assert [list(a["quorum"]) for a in answers] == [["q", "n", "overrecruited"]] * 3
    assert [a["quorum"] for a in answers] == [
        {"q": 2, "n": 1, "overrecruited": False},
        {"q": 2, "n": 2, "overrecruited": False},
        {"q": 2, "n": 3, "overrecruited": True},
    ]
    assert [a["participant"]["status"] for a in answers] == ["working", "working", "overrecruited"]
    assert_error(await client.post("/node/3"), 400, "/node POST, status = overrecruited")


async def test_no_quorum_key_without_quorum(client):
    assert "quorum" not in (await client.post("/participant/W/H/A/debug")).json()
