"""Experiment routes (``@experiment_route``, ``extra_routes``) as Flask views inside one transaction."""

from __future__ import annotations

import textwrap
from pathlib import Path

import httpx

from simlab import Settings
from simlab.server import build_server
from simlab.sources import load_source

EXPERIMENT = '''
from flask import Blueprint, abort, jsonify, request

from dallinger import db
from dallinger.experiment import Experiment, experiment_route
from dallinger.experiment_server.utils import success_response
from dallinger.models import Info, Node
from dallinger.networks import Chain
from dallinger.nodes import Source

extra_routes = Blueprint("extra_routes", __name__)


@extra_routes.route("/echo", methods=["POST"])
def echo():
    if "word" not in request.values:
        abort(422)
    return jsonify(word=request.values["word"], json=request.get_json(silent=True))


class Routed(Experiment):
    experiment_repeats = 1

    def create_network(self):
        return Chain(max_size=3)

    def setup(self):
        if not self.networks():
            super().setup()
            for net in self.networks():
                Source(network=net)
            db.session.commit()

    @experiment_route("/stamp/<int:node_id>", methods=["POST"])
    @classmethod
    def stamp(cls, node_id):
        node = Node.query.get(node_id)
        Info(origin=node, contents=request.values.get("contents"))
        db.session.commit()
        if request.values.get("fail"):
            raise RuntimeError("after the commit")
        return success_response(count=Info.query.filter_by(origin_id=node_id).count())
'''


async def test_routes_run_as_flask_views_and_a_failure_leaves_nothing(tmp_path: Path) -> None:
    folder = tmp_path / "routed"
    folder.mkdir()
    (folder / "__init__.py").write_text("")
    (folder / "experiment.py").write_text(textwrap.dedent(EXPERIMENT))
    server = build_server(load_source(folder), Settings(seed=1))
    app = server.app
    async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://127.0.0.1:5000") as client:
        assert (await client.post("/launch")).status_code == 200
        resp = await client.post("/stamp/1", data={"contents": "a"})
        assert resp.status_code == 200 and resp.json() == {"status": "success", "count": 1}
        resp = await client.post("/stamp/1", data={"contents": "b", "fail": "1"})
        assert resp.status_code == 500 and "text/html" in resp.headers["content-type"]
        infos = (await client.get("/node/1/infos")).json()["infos"]
        assert [i["contents"] for i in infos] == ["a"]  # the failed view's committed info is gone
        # GET falls to Dallinger's /<directory>/<page> rule, which finds no template: 404 as in Dallinger
        assert (await client.get("/stamp/1")).status_code == 404
        resp = await client.post("/echo?word=hi", json={"x": 1})
        assert resp.json() == {"word": "hi", "json": {"x": 1}}
        assert (await client.post("/echo")).status_code == 422
