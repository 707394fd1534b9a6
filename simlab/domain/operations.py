"""The operations behind Dallinger's routes: one synchronous call per request.

Each function does the model work and calls the experiment's hook the way
Dallinger's route does.  They raise ``SimlabError`` subclasses (or let an
experiment's own exception through); ``simlab.web`` turns those into each
route's status and message, inside a store transaction so that a failed
request changes nothing.
"""

from __future__ import annotations

import logging
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from ..errors import Forbidden, InvalidRequest, InvalidState, NotFound
from . import lifecycle
from .infos import Transformation, TrackingEvent, was_received
from .participants import Question

logger = logging.getLogger("simlab.operations")

PROPERTY_NAMES = ("property1", "property2", "property3", "property4", "property5")


@dataclass(frozen=True)
class Properties:
    """``details`` (already parsed) and ``property1``–``5`` sent with a request."""

    details: Any = None
    has_details: bool = False
    values: Mapping[str, str] = field(default_factory=dict)


def assign_properties(obj: Any, props: Properties) -> None:
    """Dallinger's ``assign_properties``: details if sent, properties only if non-empty."""
    if props.has_details:
        obj.details = props.details
    for name in PROPERTY_NAMES:
        value = props.values.get(name)
        if value:
            setattr(obj, name, value)


# ------------------------------------------------------------- participants


class UndefinedIds(Forbidden):
    """A worker, hit or assignment id was the string 'undefined'."""


class RepeatWorker(Forbidden):
    """The worker id already belongs to a participant."""


class RegistrationFailed(InvalidRequest):
    """The experiment could not create the participant."""


def create_participant(
    exp: Any,
    *,
    worker_id: Any,
    hit_id: Any,
    assignment_id: Any,
    mode: str,
    recruiter_name: str | None,
    fingerprint_hash: str | None,
    entry_information: Any,
) -> tuple[Any, dict[str, Any] | None]:
    """Create a participant as ``POST /participant/...`` does (spec 4.1).

    Returns the participant and the quorum message (None without a quorum).
    """
    if "undefined" in (worker_id, hit_id, assignment_id):
        raise UndefinedIds("required values were 'undefined'")
    store = exp.store
    if worker_id is not None and store.participants_by_worker(worker_id) and not exp.config.get("allow_repeat_worker_ids"):
        raise RepeatWorker("worker has already participated")
    if assignment_id is not None:
        for duplicate in list(store.participants_by_assignment(assignment_id)):
            if duplicate.status == "working":
                logger.warning("Assignment %s reused while participant %s is working: replacing it", assignment_id, duplicate.id)
                lifecycle.run_worker_event(exp, "AssignmentReassigned", duplicate)
    nonfailed_count = exp.nonfailed_count() + 1
    if not recruiter_name or recruiter_name == "undefined":
        recruiter_name = exp.recruiter.nickname
    try:
        participant = exp.create_participant(
            worker_id=worker_id,
            hit_id=hit_id,
            assignment_id=assignment_id,
            mode=mode,
            recruiter_name=recruiter_name,
            fingerprint_hash=fingerprint_hash,
            entry_information=entry_information,
        )
    except Exception as exc:
        logger.info("could not create a participant: %s", exc)
        raise RegistrationFailed("an error occurred while registering the participant") from exc
    overrecruited = exp.is_overrecruited(nonfailed_count)
    if overrecruited:
        participant.status = "overrecruited"
    quorum = None
    if exp.quorum:
        quorum = {"q": exp.quorum, "n": nonfailed_count, "overrecruited": overrecruited}
    return participant, quorum


def get_participant(exp: Any, participant_id: int) -> Any:
    participant = exp.store.get("participant", participant_id)
    if participant is None:
        raise NotFound("participant", participant_id)
    return participant


class QuestionRejected(InvalidRequest):
    """The participant's recruiter refuses questionnaires from it."""

    def __init__(self, status: str, reason: str) -> None:
        super().__init__(f"status = {status}, reason: {reason}")
        self.status = status
        self.reason = reason


class AnswerTooLong(InvalidRequest):
    """A question or response is longer than ``question_max_length``."""


def add_question(exp: Any, participant: Any, question: str, response: str, number: int) -> Any:
    """Store a questionnaire answer (spec 4.6)."""
    reason = exp.recruiter_for(participant).rejects_questionnaire_from(participant)
    if reason:
        raise QuestionRejected(participant.status, reason)
    limit = exp.config.get("question_max_length")
    if len(question) > limit or len(response) > limit:
        raise AnswerTooLong("length too long")
    return Question(participant=participant, question=question, response=response, number=number)


# -------------------------------------------------------------------- nodes


class NotWorking(InvalidState):
    """Only working participants may create nodes."""

    def __init__(self, status: str) -> None:
        super().__init__(f"status = {status}")
        self.status = status


def create_node_for(exp: Any, participant: Any, props: Properties) -> Any:
    """Give a working participant a node in the network the experiment picks (spec 4.7).

    Returns None when no network is available.
    """
    if participant.status != "working":
        raise NotWorking(participant.status)
    network = exp.get_network_for_participant(participant=participant)
    if network is None:
        return None
    node = exp.create_node(participant=participant, network=network)
    assign_properties(node, props)
    exp.add_node_to_network(node=node, network=network)
    exp.node_post_request(participant=participant, node=node)
    return node


def node_neighbors(exp: Any, node: Any, node_type: type, connection: str) -> list[Any]:
    nodes = node.neighbors(type=node_type, direction=connection)
    exp.node_get_request(node=node, nodes=nodes)
    return nodes


def node_vectors(exp: Any, node: Any, direction: str, failed: bool) -> list[Any]:
    vectors = node.vectors(direction=direction, failed=failed)
    exp.vector_get_request(node=node, vectors=vectors)
    return vectors


def connect(exp: Any, node: Any, other: Any, direction: str, props: Properties) -> list[Any]:
    """Really connect two nodes (Dallinger's route never does, spec 4.10)."""
    vectors = node.connect(whom=other, direction=direction)
    for vector in vectors:
        assign_properties(vector, props)
    exp.vector_post_request(node=node, vectors=vectors)
    return vectors


# -------------------------------------------------------------------- infos


def create_info(exp: Any, node: Any, info_type: type, contents: str, failed: bool, props: Properties) -> Any:
    info = info_type(origin=node, contents=contents, failed=failed) if failed else info_type(origin=node, contents=contents)
    assign_properties(info, props)
    exp.info_post_request(node=node, info=info)
    return info


class ForbiddenInfo(Forbidden):
    """The node neither made nor received the info."""


def get_info(exp: Any, node: Any, info_id: int) -> Any:
    """One info a node may see: its own, or one it received (spec 4.12)."""
    info = exp.store.get("info", info_id)
    if info is None:
        raise NotFound("info", info_id)
    if info.origin_id != node.id and not was_received(info, node.id):
        raise ForbiddenInfo(f"node {node.id} may not see info {info_id}")
    return info


def info_get_hook(exp: Any, node: Any, infos: Any) -> None:
    exp.info_get_request(node=node, infos=infos)


def node_infos(exp: Any, node: Any, info_type: type) -> list[Any]:
    infos = node.infos(type=info_type)
    exp.info_get_request(node=node, infos=infos)
    return infos


def received_infos(exp: Any, node: Any, info_type: type) -> list[Any]:
    infos = node.received_infos(type=info_type)
    exp.info_get_request(node=node, infos=infos)
    return infos


def transmissions(exp: Any, node: Any, direction: str, status: str) -> tuple[list[Any], list[dict[str, Any]] | None]:
    """List a node's transmissions, receiving its pending ones (spec 4.15).

    Returns the rows and, for ``status=pending``, their JSON as they were when
    selected: Dallinger serializes them after receiving them, so a "pending"
    listing shows "received" (spec 9.2); simlab lists them as selected.
    """
    rows = node.transmissions(direction=direction, status=status)
    snapshot = [t.__json__() for t in rows] if status == "pending" else None
    if direction in ("incoming", "all") and status in ("pending", "all"):
        node.receive()
    exp.transmission_get_request(node=node, transmissions=rows)
    return rows, snapshot


def transmit(exp: Any, node: Any, what: Any, to_whom: Any, props: Properties) -> list[Any]:
    sent = node.transmit(what=what, to_whom=to_whom)
    for transmission in sent:
        assign_properties(transmission, props)
    exp.transmission_post_request(node=node, transmissions=sent)
    return sent


def node_transformations(exp: Any, node: Any, transformation_type: type) -> list[Any]:
    rows = node.transformations(type=transformation_type)
    exp.transformation_get_request(node=node, transformations=rows)
    return rows


def create_transformation(
    exp: Any, node: Any, transformation_type: type, info_in: Any, info_out: Any, props: Properties
) -> Any:
    if not (isinstance(transformation_type, type) and issubclass(transformation_type, Transformation)):
        raise InvalidRequest(f"{transformation_type} is not a Transformation class")
    transformation = transformation_type(info_in=info_in, info_out=info_out)
    assign_properties(transformation, props)
    exp.transformation_post_request(node=node, transformation=transformation)
    return transformation


def tracking_event(exp: Any, node: Any, details: Any) -> Any:
    """Record a front-end event as a TrackingEvent info with no contents."""
    return TrackingEvent(origin=node, details=details if details is not None else {}, failed=node.failed)


# ---------------------------------------------------------------- lifecycle


def worker_complete(exp: Any, participant: Any) -> None:
    lifecycle.worker_complete(exp, participant)


def worker_failed(exp: Any, participant: Any) -> None:
    lifecycle.worker_failed(exp, participant)


def summary(exp: Any) -> dict[str, Any]:
    """The ``/summary`` document (spec 4.24)."""
    state: dict[str, Any] = {"summary": exp.log_summary(), "completed": exp.is_complete()}
    unfilled = exp.store.open_networks()
    state["unfilled_networks"] = len(unfilled)
    nodes_remaining = required_nodes = 0
    if not unfilled:
        if state["completed"] is None and not exp.store.status_counts().get("working"):
            state["completed"] = True
    else:
        for net in unfilled:
            required_nodes += net.max_size
            nodes_remaining += net.max_size - exp.store.network_index(net.id).alive
    state["nodes_remaining"] = nodes_remaining
    state["required_nodes"] = required_nodes
    if state["completed"] is None:
        state["completed"] = False
    return state


def setup(exp: Any) -> None:
    """First half of ``POST /launch``: create the networks (once) and call ``on_launch``."""
    exp.setup()
    exp.on_launch()


def open_recruitment(exp: Any) -> dict[str, Any]:
    """Second half of ``POST /launch``: ``{"items": [ad URLs], "message": ...}``."""
    return exp.recruiter.open_recruitment(n=exp.initial_recruitment_size)
