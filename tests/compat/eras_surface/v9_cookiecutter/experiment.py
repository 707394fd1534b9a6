"""A transmission experiment made from Dallinger's cookiecutter template (Dallinger 9.x era)."""
from dallinger.config import get_config
from dallinger.experiments import Experiment
from dallinger.networks import Empty
try:
    from bots import Bot
    Bot = Bot
except ImportError:
    pass

config = get_config()


def extra_parameters():

    types = {
        'custom_variable': bool,
        'num_participants': int,
    }

    for key in types:
        config.register(key, types[key])


class CookieCutterExperiment(Experiment):
    """Define the structure of the experiment."""
    num_participants = 1

    def __init__(self, session=None):
        """Call the same parent constructor, then call setup() if we have a session.
        """
        super(CookieCutterExperiment, self).__init__(session)
        if session:
            self.experiment_repeats = 1
            self.custom_variable = config.get('custom_variable')
            self.num_participants = config.get('num_participants', 1)
            self.setup()

    def create_network(self):
        """Return a new network."""
        return Empty(max_size=self.num_participants)

    def on_assignment_submitted_to_recruiter(self, participant, event):
        """Dallinger 9.x's hook after a recruiter's submission: note it, then approve as usual."""
        participant.property1 = event["event_type"]
        super(CookieCutterExperiment, self).on_assignment_submitted_to_recruiter(participant, event)
