"""``/openapi.json``: quart-schema's document of every route, from the routes' own request models.

quart-schema only documents here; it never validates, so Dallinger's messages
and check order and oTree's plain-text errors stay exactly as ``params.py`` and
``otree/wire.py`` make them.  This provider adds what quart-schema cannot know:
each oTree method's own body (one view dispatches all methods of a rule), the
required query parameters, and each API's response shapes (Dallinger's JSON
envelope, its HTML pages, oTree's JSON or plain text).
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict
from quart_schema import QuartSchema
from quart_schema.openapi import OpenAPIProvider
from werkzeug.routing import Rule

from .dallinger.models import EXTRA_RESPONSES_ATTRIBUTE
from .otree.models import body_model

HTML = {"text/html": {"schema": {"type": "string"}}}
TEXT = {"text/plain": {"schema": {"type": "string"}}}
REF = "#/components/schemas/{model}"


class SuccessEnvelope(BaseModel):
    """Dallinger's success envelope: ``status`` and the route's payload keys."""

    model_config = ConfigDict(extra="allow")
    status: Literal["success"]


class ErrorEnvelope(BaseModel):
    """Dallinger's error envelope: its error page in ``html``; simlab adds ``message``."""

    model_config = ConfigDict(extra="allow")
    status: Literal["error"]
    html: str | None = None
    message: str | None = None


def _json(model: type[BaseModel], description: str) -> dict[str, Any]:
    return {"description": description, "content": {"application/json": {"schema": {"$ref": REF.format(model=model.__name__)}}}}


DALLINGER_JSON = {
    "200": _json(SuccessEnvelope, "success envelope"),
    "400": _json(ErrorEnvelope, "error envelope (bad parameter or record)"),
    "403": _json(ErrorEnvelope, "error envelope (refused), or Dallinger's bare {\"status\": \"error\"} as text/html"),
    "404": {"description": "no such route or property (HTML)", "content": HTML},
}
DALLINGER_PAGE = {
    "200": {"description": "the page", "content": HTML},
    "302": {"description": "redirect"},
    "400": {"description": "Dallinger's error page", "content": HTML},
    "404": {"description": "no such page", "content": HTML},
}
OTREE_API = {
    "200": {"description": "JSON answer", "content": {"application/json": {"schema": {}}}},
    **{code: {"description": "oTree's plain-text error", "content": TEXT} for code in ("400", "403", "404", "405", "409")},
}
OTREE_PAGE = {
    "200": {"description": "the page", "content": HTML},
    "302": {"description": "redirect into the experiment"},
    "401": {"description": "admin password required", "content": TEXT},
    "404": {"description": "oTree's plain-text error", "content": TEXT},
}
OTHER = {
    "200": {"description": "the answer"},
    "401": {"description": "admin password required", "content": TEXT},
}


def _drop_null(schema: dict[str, Any]) -> dict[str, Any]:
    """``X | None`` as ``X``: an absent query or form parameter is Dallinger's None."""
    options = schema.get("anyOf")
    if options:
        kept = [o for o in options if o.get("type") != "null"]
        if len(kept) == 1:
            rest = {k: v for k, v in schema.items() if k != "anyOf"}
            if rest.get("default", 0) is None:
                del rest["default"]
            return {**kept[0], **rest}
    return schema


class SimlabOpenAPI(OpenAPIProvider):
    """quart-schema's provider, taught simlab's two APIs."""

    def generate_methods(self, rule: Rule) -> Iterable[str]:
        operations = getattr(self._app.view_functions[rule.endpoint], "otree_operations", None)
        methods = operations.keys() if operations is not None else (rule.methods or ())
        return sorted(m for m in methods if m not in ("HEAD", "OPTIONS"))

    def build_querystring_parameters(self, model: type[BaseModel]) -> tuple[list[dict[str, Any]], dict[str, Any]]:
        parameters, definitions = super().build_querystring_parameters(model)
        required = set(model.model_json_schema().get("required", ()))
        for parameter in parameters:
            parameter["schema"] = _drop_null(parameter["schema"])
            if parameter["name"] in required:
                parameter["required"] = True
        return parameters, definitions

    def build_request_body(self, model: type[BaseModel], source: Any) -> tuple[dict[str, Any], dict[str, Any]]:
        body, definitions = super().build_request_body(model, source)
        for media in body["content"].values():
            schema = media["schema"]
            schema["properties"] = {k: _drop_null(v) for k, v in schema.get("properties", {}).items()}
        return body, definitions

    def build_paths(self, rule: Rule) -> tuple[dict[str, Any], dict[str, Any]]:
        paths, components = super().build_paths(rule)
        view = self._app.view_functions[rule.endpoint]
        blueprint = rule.endpoint.rsplit(".", 1)[0] if "." in rule.endpoint else ""
        operations = getattr(view, "otree_operations", None)
        for path_item in paths.values():
            for method, operation in list(path_item.items()):
                operation = path_item[method] = dict(operation)
                operation["tags"] = [blueprint or "simlab"]
                if operations is not None:
                    fields, handler = operations[method.upper()]
                    if fields is not None:
                        model = body_model(f"{handler.__name__.title().replace('_', '')}Body", fields)
                        operation["requestBody"] = {
                            "required": True,
                            "content": {"application/json": {"schema": {"$ref": REF.format(model=model.__name__)}}},
                        }
                        components[model.__name__] = model.model_json_schema(ref_template=REF)
                    operation["responses"] = OTREE_API
                    operation["security"] = [{"otreeRestKey": []}, {}]
                elif blueprint == "otree":
                    operation["responses"] = OTREE_PAGE
                elif blueprint == "dallinger":
                    page = view.__module__.endswith(".pages")
                    operation["responses"] = DALLINGER_PAGE if page else DALLINGER_JSON
                else:
                    operation["responses"] = OTHER
                extra = getattr(view, EXTRA_RESPONSES_ATTRIBUTE, {})
                if extra:
                    operation["responses"] = {
                        **operation["responses"],
                        **{code: {"description": text, "content": HTML} for code, text in extra.items()},
                    }
        for model in (SuccessEnvelope, ErrorEnvelope):
            components[model.__name__] = model.model_json_schema(ref_template=REF)
        return paths, components


def attach_openapi(app: Any, version: str) -> QuartSchema:
    """Serve ``/openapi.json`` (no UI pages: they would load scripts from a CDN)."""
    return QuartSchema(
        app,
        openapi_path="/openapi.json",
        redoc_ui_path=None,
        scalar_ui_path=None,
        swagger_ui_path=None,
        info={"title": "simlab: Dallinger 12.4 and oTree REST APIs", "version": version},
        security_schemes={"otreeRestKey": {"type": "apiKey", "in_": "header", "name": "otree-rest-key"}},
        conversion_preference="pydantic",
        openapi_provider_class=SimlabOpenAPI,
    )
