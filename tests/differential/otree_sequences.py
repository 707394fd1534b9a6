"""Request sequences for oTree's REST API, run in this order on one fresh server.

The server is the oracle's study (``/work/shared/oracles/run_otree.sh``): configs
``solo``, ``pairs``, ``mocked``; rooms ``econ101`` (labels alice..erin) and ``lab``;
``OTREE_AUTH_LEVEL=STUDY`` with REST key ``conformance-key``.  simlab serves the same
oTree project folder, unedited (``otree_project/`` beside this file: the files the
oracle script writes).  One client (one cookie jar, as one browser) sends every
step; redirects are not followed, and their Location is compared.
"""

from __future__ import annotations

from .harness import Scenario, Step, get

LONG_LABEL = "a" * 101

KEY = {"otree-rest-key": "conformance-key"}
PROBE = "<script>alert(1)</script>&"


def api(method: str, path: str, body: object = None, **kwargs: object) -> Step:
    return Step(method, path, json=body, headers=KEY, **kwargs)  # type: ignore[arg-type]


SCENARIOS = (
    Scenario(
        "otree: read-only endpoints",
        ("GET|DELETE /api/otree_version", "GET /api/session_configs", "GET /api/rooms", "GET /api/sessions"),
        (
            api("GET", "/api/otree_version"),
            api("GET", "/api/session_configs"),
            api("GET", "/api/rooms"),
            api("GET", "/api/sessions"),
        ),
    ),
    Scenario(
        "otree: REST key",
        ("GET /api/sessions",),
        (
            get("/api/sessions"),
            Step("GET", "/api/sessions", headers={"otree-rest-key": "wrong"}),
        ),
    ),
    Scenario(
        "otree: create sessions",
        ("POST /api/sessions", "GET /api/sessions", "GET /api/rooms"),
        (
            api("POST", "/api/sessions", {"session_config_name": "solo", "num_participants": 2}, save={"s1": "code"}),
            api("POST", "/api/sessions", {"session_config_name": "pairs", "num_participants": 4, "label": "L1"},
                save={"s2": "code"}),
            api("POST", "/api/sessions", {"session_config_name": "solo", "num_participants": 3, "room_name": "econ101",
                                          "modified_session_config_fields": {"num_apples": 12}}, save={"s3": "code"}),
            api("POST", "/api/sessions", {"session_config_name": "pairs", "num_participants": 3}),
            api("POST", "/api/sessions", {"session_config_name": "nope", "num_participants": 2}),
            api("POST", "/api/sessions", {"session_config_name": PROBE, "num_participants": 2}),
            api("POST", "/api/sessions", {"session_config_name": "solo", "num_participants": 2, "label": PROBE},
                save={"s4": "code"}),
            api("GET", "/api/sessions"),
            api("GET", "/api/rooms"),
        ),
    ),
    Scenario(
        "otree: get_session",
        ("POST /api/get_session/<code>", "GET /api/sessions/<code>"),
        (
            api("POST", "/api/get_session/{s1}", save={"pc1": "participants.0.code"}),
            api("POST", "/api/get_session/{s2}", {}),
            api("POST", "/api/get_session/{s3}", {"participant_labels": ["alice"]}),
            api("POST", "/api/get_session/{s4}"),
            api("POST", "/api/get_session/nosuchcode"),
            api("GET", "/api/sessions/{s1}"),
        ),
    ),
    Scenario(
        "otree: vars",
        ("POST /api/participant_vars", "POST /api/participant_vars/<code>", "POST /api/session_vars/<code>",
         "POST /api/session_vars", "POST /api/get_session/<code>"),
        (
            api("POST", "/api/session_vars/{s1}", {"vars": {"phase": "warmup", "note": PROBE}}),
            api("POST", "/api/session_vars/nosuchcode", {"vars": {"a": 1}}),
            api("POST", "/api/participant_vars", {"room_name": "econ101", "participant_label": "bob",
                                                  "vars": {"age": 31}}),
            api("POST", "/api/participant_vars", {"room_name": "nope", "participant_label": "bob", "vars": {}}),
            api("POST", "/api/participant_vars/nosuchcode", {"vars": {"a": 1}}),
            api("POST", "/api/participant_vars/{pc1}", {"vars": {"score": 3, "tag": PROBE}}),
            api("POST", "/api/get_session/{s1}", {"session_vars": ["phase", "note", "missing"],
                                                  "participant_vars": ["score", "tag"]}),
            api("POST", "/api/session_vars", {"room_name": "econ101", "vars": {"a": 1}}),
        ),
    ),
    Scenario(
        "otree: bad requests",
        ("POST /api/sessions", "POST /api/get_session/<code>", "POST /api/session_vars/<code>",
         "POST /api/participant_vars", "GET|DELETE /api/otree_version"),
        (
            api("POST", "/api/sessions", {"session_config_name": "solo"}),
            api("POST", "/api/sessions", {"session_config_name": "solo", "num_participants": 2, "typo": 1}),
            api("POST", "/api/sessions", {"session_config_name": "solo", "num_participants": "2"}),
            api("POST", "/api/sessions", {"session_config_name": "solo", "num_participants": 0}),
            Step("POST", "/api/sessions", raw=b"{not json", headers={**KEY, "content-type": "application/json"}),
            api("POST", "/api/sessions", {"session_config_name": "solo", "num_participants": 2,
                                          "modified_session_config_fields": {"app_sequence": ["x"]}}),
            api("POST", "/api/sessions", {"session_config_name": "solo", "num_participants": 2, "room_name": "nope"}),
            api("POST", "/api/get_session/{s1}", {"participant_labels": "alice"}),
            api("POST", "/api/session_vars/{s1}", {"vars": []}),
            api("POST", "/api/session_vars/{s1}", {}),
            api("POST", "/api/participant_vars", {"room_name": "econ101", "participant_label": "zed", "vars": {}}),
            api("DELETE", "/api/otree_version"),
        ),
    ),
    Scenario(
        "otree: slashes, legacy forms and keys",
        ("POST /api/sessions", "GET /api/sessions", "POST /api/get_session/<code>", "GET /api/sessions/<code>",
         "POST /api/participant_vars/<code>"),
        (
            api("GET", "/api/sessions/"),
            api("POST", "/api/sessions/", {"session_config_name": "solo", "num_participants": 1}),
            api("POST", "/api/get_session/{s2}/"),
            api("GET", "/api/sessions/{s2}", {"participant_vars": []}),
            Step("POST", "/api/sessions", json={"session_config_name": "solo", "num_participants": 1}),
            Step("POST", "/api/participant_vars/{pc1}", json={"vars": {"a": 1}}, headers={"otree-rest-key": "x"}),
            api("POST", "/api/get_session/{s2}", {"participant_labels": []}),
        ),
    ),
    Scenario(
        "otree: room and join pages",
        ("GET /room/<name>", "GET /join/<code>"),
        (
            get("/room/lab"),
            get("/room/nope"),
            get("/room/econ101"),
            get("/room/econ101", participant_label="zed"),
            get("/room/econ101", participant_label="zed", welcome_page_ok="1"),
            get("/room/lab", welcome_page_ok="1"),
            get("/join/nosuchcode"),
        ),
    ),
    Scenario(
        "otree: start links, labels and pages",
        ("POST /api/sessions", "POST /api/get_session/<code>", "GET /InitializeParticipant/<code>",
         "GET /p/<code>/<app>/<page>/<index>", "GET /join/<code>"),
        (
            api("POST", "/api/sessions", {"session_config_name": "pairs", "num_participants": 4,
                                          "modified_session_config_fields": {"participation_fee": 12,
                                                                             "real_world_currency_per_point": 0.5}},
                save={"s5": "code", "j5": "session_wide_url@tail"}),
            api("POST", "/api/get_session/{s5}", save={"q1": "participants.0.code", "q2": "participants.1.code"}),
            get("/InitializeParticipant/{q1}", participant_label="panel_1"),
            get("/InitializeParticipant/{q1}", participant_label="other"),
            get("/p/{q1}/pair_app/MyPage/1"),
            get("/p/{q1}/pair_app/MyPage/2"),
            get("/p/{q2}/pair_app/MyPage/1"),
            get("/InitializeParticipant/{q2}", participant_label=LONG_LABEL),
            get("/p/{q2}/pair_app/MyPage/1"),
            get("/InitializeParticipant/nosuchcode"),
            get("/p/nosuchcode/pair_app/MyPage/1"),
            get("/join/{j5}"),
            get("/join/{j5}"),
            get("/join/{j5}", participant_label="lobby_7"),
            get("/join/{j5}", participant_label="lobby_7"),
            get("/join/{j5}", participant_label="lobby_8"),
            get("/join/{j5}/"),
            api("POST", "/api/get_session/{s5}"),
        ),
    ),
    Scenario(
        "otree: rooms, welcome page and cookies",
        ("GET /room/<name>", "POST /api/sessions", "POST /api/get_session/<code>"),
        (
            get("/room/econ101", participant_label="bob"),
            get("/room/econ101", participant_label="bob", welcome_page_ok="1"),
            get("/room/econ101", welcome_page_ok="1"),
            get("/room/econ101/", participant_label="bob"),
            api("POST", "/api/get_session/{s3}", {"participant_vars": ["age"]}),
            get("/room/lab", welcome_page_ok="1"),
            api("POST", "/api/sessions", {"session_config_name": "solo", "num_participants": 2, "room_name": "lab"},
                save={"s6": "code"}),
            get("/room/lab", welcome_page_ok="1"),
            get("/room/lab", welcome_page_ok="1"),
            get("/room/lab", participant_label="walkin", welcome_page_ok="1"),
            get("/room/lab", participant_label="late", welcome_page_ok="1"),
            api("POST", "/api/get_session/{s6}"),
        ),
    ),
)
