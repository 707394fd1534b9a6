"""A guessing game written for Dallinger 10.x: everything is set in ``__init__(self, session)``."""
import random

import dallinger
from dallinger.experiment import Experiment
from dallinger.models import Info
from dallinger.networks import Chain
from dallinger.nodes import Agent, Source


class Guess(Info):
    """A participant's guess."""

    __mapper_args__ = {"polymorphic_identity": "guess"}


class SecretSource(Source):
    __mapper_args__ = {"polymorphic_identity": "secret_source"}

    def _contents(self):
        return str(random.randint(1, 100))


class Guesser(Agent):
    __mapper_args__ = {"polymorphic_identity": "guesser"}


class GuessingGame(Experiment):
    def __init__(self, session):
        super(GuessingGame, self).__init__(session)
        config = dallinger.config.get_config()
        self.experiment_repeats = 2
        self.initial_recruitment_size = 2
        self.rounds = config.get("rounds", 3)
        self.known_classes["Guess"] = Guess
        self.public_properties = {"rounds": self.rounds, "era": "10.x"}
        if session:
            self.setup()

    def setup(self):
        if not self.networks():
            super(GuessingGame, self).setup()
            for net in self.networks():
                SecretSource(network=net)
            dallinger.db.session.commit()

    def create_network(self):
        return Chain(max_size=3)

    def create_node(self, participant, network):
        return Guesser(network=network, participant=participant)

    def add_node_to_network(self, node, network):
        network.add_node(node)
        network.nodes(type=Source)[0].transmit(to_whom=node)
        node.receive()

    def info_post_request(self, node, info):
        info.property1 = "checked"

    def data_check(self, participant):
        return all(i.property1 == "checked" for i in participant.infos(type=Guess))

    def attention_check(self, participant):
        return len(participant.infos(type=Guess)) >= 1

    def bonus(self, participant):
        return 0.25 * len(participant.infos(type=Guess))

    def recruit(self):
        if self.networks(full=False):
            self.recruiter.recruit(n=1)
        else:
            self.recruiter.close_recruitment()

    def on_recruiter_submission_complete(self, participant, event):
        participant.property2 = event["event_type"]
        super(GuessingGame, self).on_recruiter_submission_complete(participant, event)
