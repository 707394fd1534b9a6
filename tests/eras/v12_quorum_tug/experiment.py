"""A two-player tug of war over the ``/chat`` websocket, as written for Dallinger 12.x.

Both players wait in Dallinger's waiting room for the quorum, then pull on the
``tug`` channel; the experiment's ``receive_message`` stores each pull as an Info
of the puller's node and publishes the score with ``db.redis_conn.publish``, which
every subscribed page receives.  ``@experiment_route`` serves the final score.
"""

import json

from dallinger import db
from dallinger.config import get_config
from dallinger.experiment import Experiment, experiment_route
from dallinger.experiment_server.utils import success_response
from dallinger.models import Info
from dallinger.networks import FullyConnected
from dallinger.nodes import Agent

PULLS_TO_WIN = 3


def extra_parameters():
    get_config().register("quorum", int)


class TugOfWar(Experiment):
    channel = "tug"

    def configure(self):
        config = get_config(load=True)
        self.experiment_repeats = 1
        self.quorum = config.get("quorum")
        self.initial_recruitment_size = self.quorum

    def create_network(self):
        return FullyConnected(max_size=self.quorum)

    def create_node(self, participant, network):
        return Agent(network=network, participant=participant)

    def receive_message(self, message, channel_name=None, participant=None, node=None, receive_time=None):
        if channel_name != "tug":
            return
        data = json.loads(message)
        if data.get("type") != "pull" or node is None:
            return
        Info(origin=node, contents=str(data["strength"]))
        score = self.score_of(node.network)
        db.redis_conn.publish("tug", json.dumps(dict(score, type="score")))

    @staticmethod
    def score_of(network):
        pulls = {}
        for info in network.infos():
            pulls[info.origin_id] = pulls.get(info.origin_id, 0) + 1
        winners = sorted(node_id for node_id, count in pulls.items() if count >= PULLS_TO_WIN)
        return {"pulls": {str(k): v for k, v in sorted(pulls.items())}, "winners": winners}

    @experiment_route("/tug/score", methods=["GET"])
    @classmethod
    def final_score(cls):
        network = FullyConnected.query.first()
        return success_response(score=cls.score_of(network))
