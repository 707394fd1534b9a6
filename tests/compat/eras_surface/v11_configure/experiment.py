"""A two-player signalling game written for Dallinger 11.x: ``configure()`` sets the experiment up."""
import json

from dallinger import db
from dallinger.config import get_config
from dallinger.db import redis_conn
from dallinger.experiment import Experiment, experiment_route
from dallinger.experiment_server.utils import error_response, success_response
from dallinger.models import Node, Participant
from dallinger.networks import FullyConnected


class SignallingGame(Experiment):
    def __init__(self, session=None):
        super(SignallingGame, self).__init__(session)
        if session:
            self.setup()

    def configure(self):
        super(SignallingGame, self).configure()
        config = get_config()
        self.experiment_repeats = 1
        self.quorum = config.get("players", 2)
        self.initial_recruitment_size = self.quorum
        self.channel = "signalling"

    @classmethod
    def extra_parameters(cls):
        get_config().register("players", int)

    def create_network(self):
        return FullyConnected(max_size=self.quorum)

    def get_network_for_participant(self, participant):
        if participant.nodes(failed="all"):
            return None
        networks = self.networks(role="experiment", full=False)
        return networks[0] if networks else None

    def node_post_request(self, participant, node):
        node.property1 = json.dumps({"joined": participant.id})

    def info_post_request(self, node, info):
        for other in node.neighbors():
            node.transmit(what=info, to_whom=other)
        redis_conn.publish(self.channel, json.dumps({"type": "signal", "from": node.id, "contents": info.contents}))

    def vector_post_request(self, node, vectors):
        node.property2 = str(len(vectors))

    @experiment_route("/signals/<int:node_id>", methods=["GET"])
    @classmethod
    def signals(cls, node_id):
        node = db.session.query(Node).get(node_id)
        if node is None:
            return error_response(error_type="/signals: no such node", status=404)
        got = [t.info.contents for t in node.transmissions(direction="incoming", status="all")]
        return success_response(signals=got, players=Participant.query.count())
