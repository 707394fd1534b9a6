"""Request models of the Dallinger routes: one per route, read by the docs and by ``Params``.

Each model names a route's query/form parameters, their wire types, defaults
and allowed values.  ``/openapi.json`` is generated from these classes
(quart-schema), and ``Params`` takes each parameter's default, rule and allowed
values from the same class, refusing to read a name the model does not declare,
so the document and the validation cannot drift.  The checks themselves (order,
messages) stay in ``params.py`` and the handlers: they are Dallinger's.

Wire types are text, as Dallinger's ``request.values``: booleans are the words
``True``/``False``, class names are keys of the experiment's ``known_classes``,
``details`` is JSON text.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Annotated, Any, Literal, TypeVar, get_args, get_origin

from pydantic import BaseModel, ConfigDict, Field, WithJsonSchema
from quart_schema import document_querystring, document_request
from quart_schema.validation import DataSource

#: Where a route reads its model (set on the view function by ``query``/``form``/``json_body``).
MODEL_ATTRIBUTE = "_simlab_params_model"
#: Set on a view that reads its own JSON body (``json_body``).
JSON_BODY_ATTRIBUTE = "_simlab_json_body"
EXTRA_RESPONSES_ATTRIBUTE = "_simlab_extra_responses"

#: Dallinger's booleans: exactly ``True`` or ``False`` (``request_parameter(parameter_type="bool")``).
DallingerBool = Annotated[bool, WithJsonSchema({"type": "string", "enum": ["True", "False"]})]


@dataclass(frozen=True)
class KnownClass:
    """Marks a parameter naming a class of the experiment's ``known_classes``."""

    default: str
    base: str | None = None


#: JSON text (Dallinger's ``details``): parsed, NaN and Infinity refused.
JsonText = Annotated[str, Field(description="JSON text (NaN and Infinity are refused)")]


def class_name(default: str, base: str | None = None) -> Any:
    rule = f", must derive from {base}" if base else ""
    return Annotated[
        str | None,
        KnownClass(default, base),
        Field(description=f"a class name in the experiment's known_classes (default {default}{rule})"),
    ]


class Model(BaseModel):
    """Dallinger ignores parameters it does not read: extra names are allowed."""

    model_config = ConfigDict(extra="allow", populate_by_name=True)


class WithProperties(Model):
    """``details`` and ``property1``–``property5``, as ``assign_properties`` reads them."""

    details: JsonText | None = None
    property1: str | None = None
    property2: str | None = None
    property3: str | None = None
    property4: str | None = None
    property5: str | None = None


# ------------------------------------------------------------ participants


class CreateParticipant(Model):
    fingerprint_hash: str | None = None
    recruiter: str | None = Field(None, description="a recruiter nickname (default: the experiment's)")


class EntryInformation(Model):
    """Recruiter entry information; camelCase and Prolific keys are accepted too (extra names kept)."""

    worker_id: str | None = None
    hit_id: str | None = None
    assignment_id: str | None = None
    mode: str | None = None
    fingerprint_hash: str | None = None
    recruiter: str | None = None


class CreateQuestion(Model):
    question: str
    response: str
    number: int


# ------------------------------------------------------------ nodes and infos


class CreateNode(WithProperties):
    pass


class NodeNeighbors(Model):
    node_type: class_name("Node") = None
    connection: Literal["to", "from", "either", "both"] = "to"
    failed: str | None = Field(None, description="refused whatever its value, as Dallinger does")


class NodeVectors(Model):
    direction: Literal["all", "incoming", "outgoing"] = "all"
    failed: DallingerBool = False


class Connect(WithProperties):
    direction: Literal["to", "from", "both"] = "to"


class NodeTransmissions(Model):
    direction: Literal["incoming", "outgoing", "all"] = "incoming"
    status: Literal["all", "pending", "received"] = "all"


class Transmit(WithProperties):
    what: str | None = Field(None, description="an info id or a class name in known_classes")
    to_whom: str | None = Field(None, description="a node id or a class name in known_classes")


class NodeTransformations(Model):
    transformation_type: class_name("Transformation", "Transformation") = None


class CreateTransformation(WithProperties):
    transformation_type: class_name("Transformation") = None


class CreateInfo(WithProperties):
    contents: str
    info_type: class_name("Info") = None
    failed: DallingerBool = False


class NodeInfos(Model):
    info_type: class_name("Info") = None


class ReceivedInfos(Model):
    info_type: class_name("Info", "Info") = None


class TrackingEvent(Model):
    details: JsonText | None = None


# ------------------------------------------------------------ lifecycle


class ParticipantQuery(Model):
    participant_id: str = Field(description="a participant id")


class WorkerCompleteQuery(Model):
    participant_id: str | None = Field(None, description="a participant id")
    uniqueId: str | None = Field(None, description="Dallinger 3.x-4.x's worker_id:assignment_id, when participant_id is absent")


class OptionalParticipant(Model):
    participant_id: str | None = Field(None, description="a participant id")


class Notification(Model):
    event_type: str = Field(alias="Event.1.EventType")
    assignment_id: str | None = Field(None, alias="Event.1.AssignmentId")
    participant_id: str | None = None


class SnsMessage(Model):
    """An Amazon SNS message: ``Type`` and, for notifications, ``Message`` (JSON text of ``Events``)."""

    Type: str
    Message: str | None = None


class ProlificSubmission(Model):
    session_id: str | None = None
    SESSION_ID: str | None = None


# ------------------------------------------------------------ pages


class AdQuery(Model):
    hitId: str | None = None
    assignmentId: str | None = None
    workerId: str | None = None
    mode: str | None = None
    recruiter: str | None = None


class ConsentQuery(Model):
    hit_id: str | None = None
    assignment_id: str | None = None
    worker_id: str | None = None
    mode: str | None = None


class HandleError(Model):
    participant_id: str | None = None
    worker_id: str | None = None
    assignment_id: str | None = None
    hit_id: str | None = None
    request_data: str | None = None
    error_feedback: str | None = None
    error_type: str | None = None
    error_text: str | None = None


class ErrorPageQuery(Model):
    error_type: str | None = None


# ------------------------------------------------------------ binding to routes

F = TypeVar("F", bound=Callable[..., Any])


def _bind(model: type[Model], document: Callable[[F], F]) -> Callable[[F], F]:
    def decorate(view: F) -> F:
        setattr(view, MODEL_ATTRIBUTE, model)
        return document(view)

    return decorate


def intended_status(status: int, description: str) -> Callable[[F], F]:
    """Document a status the route answers on purpose although it looks like a failure (e.g. 500)."""

    def decorate(view: F) -> F:
        extra = dict(getattr(view, EXTRA_RESPONSES_ATTRIBUTE, {}))
        extra[str(status)] = description
        setattr(view, EXTRA_RESPONSES_ATTRIBUTE, extra)
        return view

    return decorate


def query(model: type[Model]) -> Callable[[F], F]:
    """The route reads ``model`` from its query string (documented as query parameters)."""
    return _bind(model, document_querystring(model))


def form(model: type[Model]) -> Callable[[F], F]:
    """The route reads ``model`` from its form body (the query string is merged in, as Flask does)."""
    return _bind(model, document_request(model, source=DataSource.FORM))


def json_body(model: type[Model]) -> Callable[[F], F]:
    """The route reads ``model`` from a JSON body (itself: ``Params`` ignores JSON bodies)."""
    bind = _bind(model, document_request(model, source=DataSource.JSON))

    def decorate(view: F) -> F:
        setattr(view, JSON_BODY_ATTRIBUTE, True)
        return bind(view)

    return decorate


@dataclass(frozen=True)
class Spec:
    """One declared parameter, as ``Params`` applies it."""

    name: str
    required: bool
    default: Any
    allowed: tuple[str, ...] | None
    known_class: KnownClass | None


_SPECS: dict[type[Model], dict[str, Spec]] = {}


def specs(model: type[Model]) -> dict[str, Spec]:
    """The model's parameters by wire name (cached: models are classes)."""
    found = _SPECS.get(model)
    if found is None:
        found = {}
        for attr, info in model.model_fields.items():
            name = info.alias or attr
            allowed = get_args(info.annotation) if get_origin(info.annotation) is Literal else None
            marker = next((m for m in info.metadata if isinstance(m, KnownClass)), None)
            default = None if info.is_required() else info.default
            found[name] = Spec(name, info.is_required(), default, allowed, marker)
        _SPECS[model] = found
    return found
