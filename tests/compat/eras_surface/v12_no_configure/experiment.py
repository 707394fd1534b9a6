"""A rating study written for Dallinger 12.x: class attributes and ``__init__(self, no_configure=False)``."""
from dallinger.config import get_config
from dallinger.db import get_all_mapped_classes
from dallinger.experiment import Experiment, experiment_route
from dallinger.experiment_server.utils import success_response
from dallinger.information import State
from dallinger.models import Participant
from dallinger.networks import Empty
from dallinger.nodes import Agent


class Rater(Participant):
    __mapper_args__ = {"polymorphic_identity": "rater"}


class Rating(State):
    __mapper_args__ = {"polymorphic_identity": "rating"}


class RatingStudy(Experiment):
    experiment_repeats = 1
    initial_recruitment_size = 1
    participant_constructor = Rater
    public_properties = {"scale": 7}

    def __init__(self, no_configure=False):
        super().__init__(no_configure=no_configure)
        self.known_classes["Rating"] = Rating

    @classmethod
    def extra_parameters(cls):
        get_config().register("rounds", int, synonyms={"n_rounds", "trials"})

    def configure(self):
        super().configure()
        self.rounds = get_config().get("rounds", 1)

    def create_network(self):
        return Empty(max_size=10)

    def create_node(self, participant, network):
        return Agent(network=network, participant=participant)

    def is_complete(self):
        return Participant.query.filter_by(status="approved").count() >= 1

    @experiment_route("/mapped_classes", methods=["GET"])
    @classmethod
    def mapped_classes(cls):
        found = get_all_mapped_classes()
        return success_response(classes={name: row["table"] for name, row in sorted(found.items())})
