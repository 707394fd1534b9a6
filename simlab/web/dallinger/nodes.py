"""Node routes: creation, neighbours, vectors, connect, transmissions, transformations.

Spec sections 4.7–4.10 and 4.15–4.18.  Each handler parses, makes one domain
call inside ``rt.atomic`` (one transaction, the route's error on failure) and
serializes.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from quart import Blueprint

from ...domain import Info, Node, Transformation
from ...domain import operations as ops
from . import models as m
from .params import id_or_none, integer_literal, path_id, url_id
from .wire import DallingerError, bare_error, success

if TYPE_CHECKING:
    from .requests import DallingerRuntime as Runtime


def _json(rows: list[Any]) -> list[dict[str, Any]]:
    return [row.__json__() for row in rows]


def register(bp: Blueprint, rt: Runtime) -> None:
    exp = rt.exp
    store = rt.store

    @bp.route("/node/<participant_id>", methods=["POST"])
    @m.form(m.CreateNode)
    async def create_node(participant_id: str) -> Any:
        params = await rt.params()
        participant = store.get("participant", path_id(params, "participant_id", participant_id))
        if participant is None:
            raise DallingerError("/node POST no participant found", status=403)
        if participant.status != "working":
            raise DallingerError(f"/node POST, status = {participant.status}", participant=participant)
        props = params.properties()
        with rt.atomic("/node POST server error", status=403, participant=participant):
            node = ops.create_node_for(exp, participant, props)
        if node is None:
            return bare_error()
        return success(node=node.__json__())

    @bp.route("/node/<int:node_id>/neighbors", methods=["GET"])
    @m.query(m.NodeNeighbors)
    async def node_neighbors(node_id: int) -> Any:
        params = await rt.params()
        node_type = params.known_class("node_type", Node)
        connection = params.text("connection")
        failed = params.text("failed", optional=True)
        node = store.get("node", url_id(node_id))
        if node is None:
            raise DallingerError(
                "/node/neighbors, node does not exist",
                error_text=f"/node/{node_id}/neighbors, node {node_id} does not exist",
            )
        if failed is not None:
            # Dallinger rejects any ``failed`` here with the model's message (spec 9.6).
            from ...domain.nodes import NEIGHBORS_FAILED_MESSAGE

            raise DallingerError("node.neighbors", error_text=NEIGHBORS_FAILED_MESSAGE, participant=node.participant)
        if not issubclass(node_type, Node):
            raise params.fail(f"node_type must name a Node class, got {params.values['node_type']}")
        allowed = params.allowed("connection")
        if connection not in allowed:
            raise params.fail(f"invalid connection: {connection} (must be one of {', '.join(allowed)})")
        with rt.atomic("exp.node_get_request", participant=node.participant):
            nodes = ops.node_neighbors(exp, node, node_type, connection)
        return success(nodes=_json(nodes))

    @bp.route("/node/<int:node_id>/vectors", methods=["GET"])
    @m.query(m.NodeVectors)
    async def node_vectors(node_id: int) -> Any:
        params = await rt.params()
        direction = params.text("direction")
        failed = params.boolean("failed")
        node = rt.node(node_id, "/node/vectors, node does not exist")
        # An invalid direction is Dallinger's 403 server error here (spec 4.9), not a 500.
        with rt.atomic("/node/vectors GET server error", status=403, participant=node.participant):
            vectors = ops.node_vectors(exp, node, direction, failed)
        return success(vectors=_json(vectors))

    @bp.route("/node/<int:node_id>/connect/<int:other_node_id>", methods=["POST"])
    @m.form(m.Connect)
    async def connect(node_id: int, other_node_id: int) -> Any:
        # Dallinger 12.4 never connects here (spec 4.10, 9.1); this is the intended behaviour.
        params = await rt.params()
        params.text("direction", optional=True)
        props = params.properties()
        node = rt.node(node_id, "/node/connect, node does not exist")
        other = rt.node(other_node_id, "/node/connect, other node does not exist", participant=node.participant)
        direction = params.choice("direction")
        with rt.atomic("/vector POST server error", status=403, participant=node.participant):
            vectors = ops.connect(exp, node, other, direction, props)
        return success(vectors=_json(vectors))

    @bp.route("/node/<int:node_id>/transmissions", methods=["GET"])
    @m.query(m.NodeTransmissions)
    async def node_transmissions(node_id: int) -> Any:
        params = await rt.params()
        params.text("direction", optional=True)
        params.text("status", optional=True)
        node = rt.node(node_id, "/node/transmissions, node does not exist")
        # Dallinger answers a bad direction or status with a 500 (spec 9.3); simlab with a 400.
        direction = params.choice("direction")
        status = params.choice("status")
        with rt.atomic("/node/transmissions GET server error", status=403, participant=node.participant):
            rows, as_selected = ops.transmissions(exp, node, direction, status)
        return success(transmissions=as_selected if as_selected is not None else _json(rows))

    @bp.route("/node/<int:node_id>/transmit", methods=["POST"])
    @m.form(m.Transmit)
    async def node_transmit(node_id: int) -> Any:
        params = await rt.params()
        what = params.text("what", optional=True)
        to_whom = params.text("to_whom", optional=True)
        props = params.properties()
        node = rt.node(node_id, "/node/transmit, node does not exist")
        participant = node.participant
        if what is not None:
            what = _resolve(rt, what, "info", "/node/transmit POST, info does not exist", participant)
        if to_whom is not None:
            to_whom = _resolve(rt, to_whom, "node", "/node/transmit POST, recipient Node does not exist", participant)
        with rt.atomic("/node/transmit POST, server error", participant=participant):
            sent = ops.transmit(exp, node, what, to_whom, props)
        return success(transmissions=_json(sent))

    @bp.route("/node/<int:node_id>/transformations", methods=["GET"])
    @m.query(m.NodeTransformations)
    async def node_transformations(node_id: int) -> Any:
        params = await rt.params()
        kind = params.known_class("transformation_type", Transformation, base=Transformation)
        node = rt.node(node_id, f"/node/transformations, node {node_id} does not exist")
        with rt.atomic("/node/transformations GET failed", participant=node.participant):
            rows = ops.node_transformations(exp, node, kind)
        return success(transformations=_json(rows))

    @bp.route("/transformation/<int:node_id>/<int:info_in_id>/<int:info_out_id>", methods=["POST"])
    @m.form(m.CreateTransformation)
    async def create_transformation(node_id: int, info_in_id: int, info_out_id: int) -> Any:
        params = await rt.params()
        kind = params.known_class("transformation_type", Transformation)
        props = params.properties()
        node = rt.node(node_id, f"/transformation POST, node {node_id} does not exist")
        participant = node.participant
        info_in = store.get("info", url_id(info_in_id))
        if info_in is None:
            raise DallingerError(f"/transformation POST, info_in {info_in_id} does not exist", participant=participant)
        info_out = store.get("info", url_id(info_out_id))
        if info_out is None:
            raise DallingerError(f"/transformation POST, info_out {info_out_id} does not exist", participant=participant)
        with rt.atomic("/transformation POST failed", participant=participant):
            transformation = ops.create_transformation(exp, node, kind, info_in, info_out, props)
        return success(transformation=transformation.__json__())


def _resolve(rt: Runtime, value: str, table: str, missing: str, participant: Any) -> Any:
    """``what``/``to_whom``: an id of an info/node, else a name in ``known_classes`` (spec 4.16)."""
    try:
        ident = integer_literal(value)
    except ValueError:
        cls = rt.exp.known_classes.get(value)
        if cls is None:
            raise DallingerError(
                f"/node/transmit POST, {value} not in experiment.known_classes", participant=participant
            ) from None
        return cls
    row = rt.store.get(table, id_or_none(ident))
    if row is None:
        raise DallingerError(missing, participant=participant)
    if table == "info" and not isinstance(row, Info):
        raise DallingerError(missing, participant=participant)
    return row
