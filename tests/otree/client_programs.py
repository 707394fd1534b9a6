"""Programs written to call oTree's REST API, in the styles people write them (``requests``).

Each takes the server's URL and REST key, does what such a program does, and
returns what it observed (statuses, labels, URLs, the final ``get_session``
state).  ``test_client_programs.py`` runs each against ``simlab serve`` and,
under ``-m oracle``, against the real oTree 6.0.15; what oTree gave them is
recorded in ``client_programs.json``.  They serve the oracle's project
(``tests/differential/otree_project``: configs solo/pairs, rooms econ101/lab).
"""

from __future__ import annotations

import re
from typing import Any
from urllib.parse import urlsplit

import requests


def masked(url: str) -> str:
    """A URL's path with participant codes written CODE (they are random on every server)."""
    return re.sub(r"/(p|InitializeParticipant)/[a-z0-9]{8}", r"/\1/CODE", urlsplit(url).path)


def call_api(server: str, key: str, method: Any, endpoint: str, **params: Any) -> Any:
    """oTree's documented helper (otree.readthedocs.io, "REST"), as written there."""
    resp = method(server + f"/api/{endpoint}/", json=params, headers={"otree-rest-key": key})
    if not resp.ok:
        msg = f'Request to "/api/{endpoint}" failed with status code {resp.status_code}: {resp.text}'
        raise Exception(msg)
    return resp.json()


def survey_bridge(server: str, key: str) -> dict[str, Any]:
    """A survey site's webhook: when someone finishes the pre-survey, post their answers for
    their label in the room, then send them to the room link with that label."""
    session = call_api(server, key, requests.post, "sessions", session_config_name="solo", num_participants=3,
                       room_name="econ101")
    seen: dict[str, Any] = {"room_url": session["room_url"].replace(server, "BASE")}
    for label, answers in (("carol", {"age": 29, "consent": True}), ("dave", {"age": 41, "consent": True})):
        call_api(server, key, requests.post, "participant_vars", room_name="econ101", participant_label=label, vars=answers)
        browser = requests.Session()
        first = browser.get(session["room_url"], params={"participant_label": label})
        final = browser.get(session["room_url"], params={"participant_label": label, "welcome_page_ok": 1})
        seen[label] = {"welcome": first.status_code, "status": final.status_code,
                       "path": masked(final.url), "hops": [r.status_code for r in final.history]}
    detail = call_api(server, key, requests.post, f"get_session/{session['code']}", participant_vars=["age", "consent"])
    seen["participants"] = [{k: p.get(k) for k in ("id_in_session", "label", "age", "consent")} for p in detail["participants"]]
    # a label the room does not know: the study's own error page
    wrong = requests.get(session["room_url"], params={"participant_label": "mallory", "welcome_page_ok": 1})
    seen["unknown_label"] = wrong.status_code
    return seen


def lab_launcher(server: str, key: str) -> dict[str, Any]:
    """An experimenter's launcher: builds its form from the session configs, creates a session
    with a changed fee, and prints the links to hand out."""
    configs = call_api(server, key, requests.get, "session_configs")
    form = {c["name"]: sorted(k for k in c if k not in ("name", "display_name", "app_sequence", "doc")) for c in configs}
    created = call_api(server, key, requests.post, "sessions", session_config_name="pairs", num_participants=4,
                       label="friday lab", modified_session_config_fields={"participation_fee": 12,
                                                                            "real_world_currency_per_point": 0.25})
    listed = [s for s in call_api(server, key, requests.get, "sessions") if s["code"] == created["code"]]
    detail = call_api(server, key, requests.post, f"get_session/{created['code']}")
    bad = requests.post(server + "/api/sessions", json={"session_config_name": "pairs", "num_participants": 3},
                        headers={"otree-rest-key": key})
    try:
        bad.raise_for_status()
        raised = ""
    except requests.HTTPError as exc:
        raised = re.sub(r"for url: .*", "for url: URL", str(exc))
    return {
        "form": form,
        "listed": [{k: s[k] for k in ("label", "config_name", "num_participants")} for s in listed],
        "config": {k: detail["config"][k] for k in ("participation_fee", "real_world_currency_per_point")},
        "fee_type": type(detail["config"]["participation_fee"]).__name__,
        "payoffs": [p["payoff_in_real_world_currency"] for p in detail["participants"]],
        "links": {k: created[k].replace(server, "BASE").rsplit("/", 1)[0] for k in ("session_wide_url", "admin_url")},
        "error": {"status": bad.status_code, "text": bad.text, "raise_for_status": raised},
        "version": call_api(server, key, requests.get, "otree_version"),
    }


def recruitment_lobby(server: str, key: str) -> dict[str, Any]:
    """A recruitment lobby: creates the session, posts each recruit's vars by participant code,
    then sends each recruit to their start link with their panel id as the label."""
    created = call_api(server, key, requests.post, "sessions", session_config_name="solo", num_participants=3)
    codes = [p["code"] for p in call_api(server, key, requests.post, f"get_session/{created['code']}")["participants"]]
    panel = ["PNL_1001", "PNL_1002", "PNL_1003"]
    landed = []
    for code, panel_id in zip(codes, panel):
        call_api(server, key, requests.post, f"participant_vars/{code}", vars={"panel_id": panel_id, "quota": "A"})
        resp = requests.get(f"{server}/InitializeParticipant/{code}", params={"participant_label": panel_id})
        landed.append({"status": resp.status_code, "path": masked(resp.url),
                       "hops": [r.status_code for r in resp.history]})
    detail = call_api(server, key, requests.post, f"get_session/{created['code']}", participant_vars=["panel_id", "quota"])
    return {
        "landed": landed,
        "participants": [{k: p.get(k) for k in ("label", "panel_id", "quota", "status")} for p in detail["participants"]],
        "labels_match_panel": [p["label"] for p in detail["participants"]] == panel,
        "filtered": [p["label"] for p in call_api(server, key, requests.post, f"get_session/{created['code']}",
                                                   participant_labels=["PNL_1002"])["participants"]],
    }


def bot_runner(server: str, key: str) -> dict[str, Any]:
    """An LLM-bot runner: each bot opens the session-wide link in its own browser, reads its
    participant code from the URL it ends on (``/p/<code>/...``), and reports back by code."""
    created = call_api(server, key, requests.post, "sessions", session_config_name="pairs", num_participants=2)
    bots = []
    for i in range(3):
        browser = requests.Session()
        resp = browser.get(created["session_wide_url"])
        if resp.status_code != 200:
            bots.append({"status": resp.status_code, "text": resp.text})
            continue
        match = re.fullmatch(r"/p/([a-z0-9]{8})/([^/]+)/([^/]+)/(\d+)", urlsplit(resp.url).path)
        assert match, resp.url
        code, app, page, index = match.groups()
        call_api(server, key, requests.post, f"participant_vars/{code}", vars={"bot": i})
        again = browser.get(created["session_wide_url"])  # the same browser keeps its participant
        bots.append({"status": resp.status_code, "app": app, "page": page, "index": index,
                     "hops": [r.status_code for r in resp.history], "same_again": again.url == resp.url})
    detail = call_api(server, key, requests.post, f"get_session/{created['code']}", participant_vars=["bot"])
    return {"bots": bots, "participants": [p.get("bot") for p in detail["participants"]]}


PROGRAMS = {f.__name__: f for f in (survey_bridge, lab_launcher, recruitment_lobby, bot_runner)}
