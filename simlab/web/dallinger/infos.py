"""Info routes: create, read one, a node's own and received infos, tracking events.

Spec sections 4.11–4.14 and 4.19.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from quart import Blueprint

from ...domain import Info
from ...errors import NotFound
from ...domain import operations as ops
from .cors import cors
from . import models as m
from .params import parse_details, url_id
from .wire import DallingerError, success

if TYPE_CHECKING:
    from .requests import DallingerRuntime as Runtime


def register(bp: Blueprint, rt: Runtime) -> None:
    exp = rt.exp

    @bp.route("/info/<int:node_id>", methods=["POST", "OPTIONS"])
    @cors
    @m.form(m.CreateInfo)
    async def create_info(node_id: int) -> Any:
        params = await rt.params()
        contents = params.text("contents")
        info_type = params.known_class("info_type", Info)
        # Dallinger does not check ``failed`` and answers a bad one with a 500 (spec 4.11).
        failed = params.boolean("failed")
        props = params.properties()
        node = rt.node(node_id, "/info POST, node does not exist")
        with rt.atomic("/info POST server error", status=403, participant=node.participant):
            info = ops.create_info(exp, node, info_type, contents, failed, props)
        return success(info=info.__json__())

    @bp.route("/info/<int:node_id>/<int:info_id>", methods=["GET"])
    async def get_info(node_id: int, info_id: int) -> Any:
        node = rt.node(node_id, "/info, node does not exist")
        participant = node.participant
        try:
            info = ops.get_info(exp, node, url_id(info_id) or 0)
        except ops.ForbiddenInfo:
            raise DallingerError("/info GET, forbidden info", status=403, participant=participant) from None
        except NotFound:
            raise DallingerError("/info GET, info does not exist", participant=participant) from None
        with rt.atomic("/info GET server error", status=403, participant=participant):
            ops.info_get_hook(exp, node, info)
        return success(info=info.__json__())

    @bp.route("/node/<int:node_id>/infos", methods=["GET"])
    @m.query(m.NodeInfos)
    async def node_infos(node_id: int) -> Any:
        params = await rt.params()
        info_type = params.known_class("info_type", Info)
        node = rt.node(node_id, "/node/infos, node does not exist")
        # A non-Info class is Dallinger's 403 server error here (spec 4.13).
        with rt.atomic("/node/infos GET server error", status=403, participant=node.participant):
            infos = ops.node_infos(exp, node, info_type)
        return success(infos=[i.__json__() for i in infos])

    @bp.route("/node/<int:node_id>/received_infos", methods=["GET"])
    @m.query(m.ReceivedInfos)
    async def node_received_infos(node_id: int) -> Any:
        params = await rt.params()
        info_type = params.known_class("info_type", Info, base=Info)
        # Dallinger's message here says /node/infos and names the id (spec 9.5).
        node = rt.node(node_id, f"/node/infos, node {node_id} does not exist")
        with rt.atomic("info_get_request error", status=403, participant=node.participant):
            infos = ops.received_infos(exp, node, info_type)
        return success(infos=[i.__json__() for i in infos])

    @bp.route("/tracking_event/<int:node_id>", methods=["POST", "OPTIONS"])
    @cors
    @m.form(m.TrackingEvent)
    async def tracking_event(node_id: int) -> Any:
        params = await rt.params()
        raw = params.text("details", optional=True)
        details = parse_details(params, raw) if raw else None
        # Dallinger's message here is the info route's (spec 9.5).
        node = rt.node(node_id, "/info POST, node does not exist")
        with rt.atomic("/tracking_event POST server error", status=403, participant=node.participant):
            ops.tracking_event(exp, node, details)
        return success(details=details)

