"""``/openapi.json``: every route, generated from the request models the handlers use."""

from __future__ import annotations

import re
from types import SimpleNamespace
from typing import Any

import httpx
import pytest
from quart_trio import QuartTrio

from simlab.web.dallinger import models as m
from simlab.web.dallinger.params import Params, UndeclaredParameter


async def document(client: httpx.AsyncClient) -> dict[str, Any]:
    response = await client.get("/openapi.json")
    assert response.status_code == 200
    return response.json()


def operation(doc: dict[str, Any], path: str, method: str) -> dict[str, Any]:
    return doc["paths"][path][method]


def query(op: dict[str, Any]) -> dict[str, dict[str, Any]]:
    return {p["name"]: p for p in op["parameters"] if p["in"] == "query"}


async def test_every_route_is_documented(app: QuartTrio, client: httpx.AsyncClient) -> None:
    doc = await document(client)
    hidden = {"/openapi.json", "/api/<path:rest>"}
    expected: dict[str, set[str]] = {}  # one path may be served by several rules (a room's GET and its POST check)
    for rule in app.url_map.iter_rules():
        if rule.websocket or rule.rule in hidden or getattr(app.view_functions[rule.endpoint], "slash_redirect", False):
            continue  # a trailing-slash form is its route's 307 (oTree's redirect_slashes), not an operation
        path = re.sub(r"<(?:[^:<>]*:)?([^<>]+)>", r"{\1}", rule.rule)
        view = app.view_functions[rule.endpoint]
        methods = getattr(view, "otree_operations", None) or rule.methods
        expected.setdefault(path, set()).update(set(methods) - {"HEAD", "OPTIONS"})
    for path, methods in expected.items():
        assert path in doc["paths"], path
        assert {m.upper() for m in doc["paths"][path]} == methods, path


async def test_dallinger_parameters_types_defaults_and_allowed_values(client: httpx.AsyncClient) -> None:
    doc = await document(client)
    neighbors = query(operation(doc, "/node/{node_id}/neighbors", "get"))
    assert neighbors["connection"]["schema"]["enum"] == ["to", "from", "either", "both"]
    assert neighbors["connection"]["schema"]["default"] == "to"
    assert "known_classes" in neighbors["node_type"]["description"]
    vectors = query(operation(doc, "/node/{node_id}/vectors", "get"))
    assert vectors["failed"]["schema"]["enum"] == ["True", "False"] and vectors["failed"]["schema"]["default"] is False
    transmissions = query(operation(doc, "/node/{node_id}/transmissions", "get"))
    assert (transmissions["direction"]["schema"]["default"], transmissions["status"]["schema"]["default"]) == ("incoming", "all")
    assert query(operation(doc, "/notifications", "get"))["Event.1.EventType"]["required"] is True
    question = operation(doc, "/question/{participant_id}", "post")["requestBody"]["content"]
    form = question["application/x-www-form-urlencoded"]["schema"]
    assert set(form["required"]) == {"question", "response", "number"} and form["properties"]["number"]["type"] == "integer"
    info = operation(doc, "/info/{node_id}", "post")["requestBody"]["content"]["application/x-www-form-urlencoded"]["schema"]
    assert info["required"] == ["contents"] and {"details", "property1", "property5", "failed"} <= set(info["properties"])
    assert operation(doc, "/node/{node_id}/infos", "get")["responses"]["200"]["content"]["application/json"]
    assert "500" in operation(doc, "/error-page", "get")["responses"]


async def test_otree_bodies_come_from_the_field_declarations(client: httpx.AsyncClient) -> None:
    doc = await document(client)
    body = operation(doc, "/api/sessions", "post")["requestBody"]["content"]["application/json"]["schema"]
    schema = doc["components"]["schemas"][body["$ref"].rsplit("/", 1)[1]]
    assert schema["additionalProperties"] is False
    assert set(schema["required"]) == {"session_config_name", "num_participants"}
    assert schema["properties"]["session_config_name"]["minLength"] == 1
    assert operation(doc, "/api/sessions", "get").get("requestBody") is None
    assert set(doc["paths"]["/api/sessions"]) == {"get", "post"}  # not every method the view answers (405)
    assert "otreeRestKey" in doc["components"]["securitySchemes"]
    assert operation(doc, "/api/sessions", "post")["responses"]["400"]["content"]["text/plain"]


def params_for(model: type[m.Model], **values: str) -> Params:
    request = SimpleNamespace(path="/x", url="http://x/x", method="GET")
    return Params(dict(values), request, {}, model=model)  # type: ignore[arg-type]


def test_a_handler_cannot_read_an_undeclared_parameter() -> None:
    params = params_for(m.NodeTransmissions)
    assert params.choice("direction") == "incoming"  # the default comes from the model
    with pytest.raises(UndeclaredParameter):
        params.text("nope", optional=True)
    with pytest.raises(UndeclaredParameter):
        params.choice("direction", "outgoing", ("incoming", "outgoing"))  # a default that drifted
    with pytest.raises(UndeclaredParameter):
        params_for(m.NodeInfos).known_class("info_type", object)  # the model says Info


def test_every_choice_default_is_allowed() -> None:
    for model in m.Model.__subclasses__() + m.WithProperties.__subclasses__():
        for spec in m.specs(model).values():
            if spec.allowed is not None:
                assert spec.default in spec.allowed, (model, spec)
