"""The pages of Dallinger's cookiecutter template, in an experiment written for Dallinger 11.x.

The layout is the template's: ``layout.html`` extends ``base/layout.html`` and adds
``static/scripts/experiment.js`` to every page; ``consent.html`` overrides
``consent_button`` with a bare ``#consent`` that ``experiment.js`` binds (it keeps
the ids with ``store.set`` and goes on with ``dallinger.goToPage('instructions')``);
``instructions.html`` creates the participant, ``exp.html`` calls the script's
global ``create_agent()``.  The Python is 11.x's: configuration registered in
``extra_parameters`` and read in ``configure()``.
"""

from dallinger.config import get_config
from dallinger.experiment import Experiment
from dallinger.networks import Empty


def extra_parameters():
    types = {
        "custom_variable": bool,
        "num_participants": int,
    }
    config = get_config()
    for key in types:
        config.register(key, types[key])


class ButtonStudy(Experiment):
    """Define the structure of the experiment."""

    num_participants = 1

    def __init__(self, session=None):
        """Call the same parent constructor, then call setup() if we have a session."""
        super(ButtonStudy, self).__init__(session)
        if session:
            self.setup()

    def configure(self):
        super(ButtonStudy, self).configure()
        config = get_config()
        self.experiment_repeats = 1
        self.custom_variable = config.get("custom_variable")
        self.num_participants = config.get("num_participants", 1)

    def create_network(self):
        """Return a new network."""
        return Empty(max_size=self.num_participants)
