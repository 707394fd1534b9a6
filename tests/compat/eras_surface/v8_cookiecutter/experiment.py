"""An experiment made from Dallinger's cookiecutter template (its 8.x-era layout).

Real Dallinger 9.x-12.x cannot import it: their ``get_config()`` at module level
loads the experiment class before the module has defined it (recorded in
oracle/v8_cookiecutter-11.4.0.json).  simlab serves it unchanged.
"""
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
