"""A story-retelling chain written for Dallinger 9.x: ``__init__(self, session=None)`` and the 9.x hook names."""
from dallinger.config import get_config
from dallinger.experiment import Experiment
from dallinger.networks import Chain
from dallinger.nodes import Source


class StorySource(Source):
    __mapper_args__ = {"polymorphic_identity": "story_source"}

    def _contents(self):
        return "Once upon a time"


def extra_parameters():
    get_config().register("chain_length", int)


class StoryChain(Experiment):
    def __init__(self, session=None):
        super(StoryChain, self).__init__(session)
        config = get_config()
        self.experiment_repeats = 1
        self.chain_length = config.get("chain_length", 2)
        if session:
            self.setup()

    def setup(self):
        if not self.networks():
            super(StoryChain, self).setup()
            for net in self.networks():
                StorySource(network=net)

    def create_network(self):
        return Chain(max_size=self.chain_length + 1)

    def add_node_to_network(self, node, network):
        network.add_node(node)
        parent = node.neighbors(direction="from")[0]
        parent.transmit()
        node.receive()

    def on_assignment_submitted_to_recruiter(self, participant, event):
        """Dallinger 9.x's hook after a recruiter's submission (10.x renamed it): note it, approve as usual."""
        participant.property1 = event["event_type"]
        super(StoryChain, self).on_assignment_submitted_to_recruiter(participant, event)
