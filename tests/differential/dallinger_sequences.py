"""Request sequences for Dallinger's web API, run in this order on one fresh server.

The server is the oracle's experiment (``/work/shared/oracles/run_dallinger.sh``): the
base Experiment with one Chain network, ``public_properties`` conformance/label, debug
mode (HotAir recruiter).  simlab serves ``examples/conformance.py``, the same experiment.
"""

from __future__ import annotations

from .harness import Scenario, Step, get, post

LONG = "9" * 10_000
PROBE = "<script>alert(1)</script>&"
PATH_PROBE = "<img src=x onerror=alert(1)>&"
JSON = {"content-type": "application/json"}

SCENARIOS = (
    Scenario(
        "launch and summary",
        ("POST /launch", "GET /summary", "GET /experiment/<prop>", "GET /network/<id>"),
        (
            post("/launch"),
            get("/summary"),
            get("/experiment/conformance"),
            get("/experiment/label"),
            get("/network/1"),
            get("/network/999999"),
            get("/network/x1"),
            get(f"/network/{LONG}"),
        ),
    ),
    Scenario(
        "participants",
        ("POST /participant/<w>/<h>/<a>/<mode>", "POST /participant", "GET /participant/<id>"),
        (
            post("/participant/W1/H1/A1/debug", save={"p1": "participant.id"}),
            get("/participant/{p1}"),
            post("/participant/W1/H1/A9/debug", note="repeat worker"),
            post("/participant/undefined/H1/A2/debug"),
            post("/participant", {"workerId": "W2", "hitId": "H1", "assignmentId": "A2"}, save={"p2": "participant.id"}),
            post("/participant", {"worker_id": "W3", "hit_id": "H1", "assignment_id": "A3"}, save={"p3": "participant.id"}),
            post("/participant", {"workerId": "W4", "hitId": "H1", "assignmentId": "A4", "extra": "x"}),
            post("/participant", json={"workerId": "W5", "hitId": "H1", "assignmentId": "A5"}, note="JSON body"),
            get("/participant/999999"),
            get("/participant/x1"),
            get(f"/participant/{LONG}"),
            get("/participant/" + PATH_PROBE),
        ),
    ),
    Scenario(
        "nodes and infos",
        ("POST /node/<participant_id>", "POST /info/<node_id>", "GET /info/<node_id>/<info_id>",
         "GET /node/<id>/infos"),
        (
            post("/node/{p1}", save={"n1": "node.id"}),
            post("/node/{p2}", save={"n2": "node.id"}),
            post("/node/999999"),
            post("/node/x1"),
            post(f"/node/{LONG}"),
            post("/info/{n1}", {"contents": "hello"}, save={"i1": "info.id"}),
            post("/info/{n1}", {"contents": PROBE}),
            post("/info/{n1}"),
            post("/info/{n1}", json={"contents": "via json"}, note="JSON body"),
            post("/info/{n1}", {"contents": "x", "info_type": PROBE}),
            post("/info/{n1}", {"contents": "x", "info_type": "Bogus"}),
            post("/info/999999", {"contents": "x"}),
            post(f"/info/{LONG}", {"contents": "x"}),
            post("/info/{n1}", {"contents": "x", "details": '{"k": 1}', "property1": "p"}),
            get("/info/{n1}/{i1}"),
            get("/info/{n1}/999999"),
            get("/info/999999/{i1}"),
            get("/node/{n1}/infos"),
            get("/node/{n1}/infos", info_type="Info"),
            get("/node/999999/infos"),
        ),
    ),
    Scenario(
        "transmit and receive",
        ("POST /node/<id>/transmit", "GET /node/<id>/transmissions", "GET /node/<id>/received_infos",
         "GET /node/<id>/neighbors", "GET /node/<id>/vectors"),
        (
            get("/node/{n1}/neighbors"),
            get("/node/{n1}/neighbors", connection="from"),
            get("/node/{n1}/neighbors", connection=PROBE),
            get("/node/{n1}/neighbors", node_type=PROBE),
            get("/node/{n1}/vectors"),
            get("/node/{n1}/vectors", direction="outgoing"),
            post("/node/{n1}/transmit", {"what": "{i1}", "to_whom": "{n2}"}),
            post("/node/{n1}/transmit", {"what": "999999"}),
            post("/node/{n1}/transmit", {"what": PROBE}),
            post("/node/{n1}/transmit", {"to_whom": PROBE}),
            post("/node/{n1}/transmit", {"what": LONG}),
            post("/node/{n1}/transmit", {"to_whom": LONG}),
            post("/node/999999/transmit"),
            get("/node/{n2}/transmissions", status="pending"),
            get("/node/{n2}/transmissions"),
            get("/node/{n2}/transmissions", status="received"),
            get("/node/{n1}/transmissions", direction="outgoing"),
            get("/node/{n2}/transmissions", direction=PROBE),
            get("/node/999999/transmissions"),
            get("/node/{n2}/received_infos"),
            get("/node/{n2}/received_infos", info_type="Info"),
            get("/node/999999/received_infos"),
            get(f"/node/{LONG}/received_infos"),
        ),
    ),
    Scenario(
        "questions and completion",
        ("POST /question/<participant_id>", "GET|POST /worker_complete", "GET /worker_failed"),
        (
            post("/question/{p1}", {"question": "questionnaire", "number": "1", "response": '{"engagement": 4}'}),
            post("/question/{p1}", {"question": "q", "response": "r"}),
            post("/question/{p1}", {"question": "q", "response": "r", "number": PROBE}),
            post("/question/999999", {"question": "q", "response": "r", "number": "1"}),
            post(f"/question/{LONG}", {"question": "q", "response": "r", "number": "1"}),
            get("/worker_complete"),
            get("/worker_complete", participant_id="999999"),
            get("/worker_complete", participant_id=PROBE),
            get("/worker_complete", participant_id=LONG),
            get("/worker_complete", participant_id="{p1}"),
            Step("GET", "/participant/{p1}", wait=1.5, note="after the rq worker's event"),
            get("/worker_failed", participant_id="999999"),
            get("/worker_failed", participant_id="{p3}"),
            Step("GET", "/participant/{p3}", wait=1.5),
        ),
    ),
    Scenario(
        "probes in parameters",
        ("GET /ad_address/<mode>/<hit_id>", "POST /notifications", "POST /tracking_event/<node_id>"),
        (
            post("/participant/" + PATH_PROBE + "/H/A/debug"),
            post("/participant/W9/H9/A9/debug", query={"recruiter": PROBE}),
            post("/node/{p2}", {"details": PROBE}),
            post("/notifications", {"Event.1.EventType": "AssignmentAbandoned", "participant_id": "999999"}),
            post("/tracking_event/{n2}", {"details": '{"event": "' + PROBE + '"}'}),
        ),
    ),
)
