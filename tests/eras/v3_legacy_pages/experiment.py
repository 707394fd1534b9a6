"""A one-question chain written for Dallinger 3.x: every page its own, on the first dallinger.js.

3.x had no base templates: the experiment writes whole pages that load reqwest,
store.js and ``/static/scripts/dallinger.js`` and call its globals
(``getUrlParameter``, ``create_participant``, ``allow_exit``, ``go_to_page``,
``Dallinger.submitQuestionnaire``, ``submitAssignment``); the ad's begin button
calls its own ``openwindow()`` with ``{{ server_location }}/consent?hit_id=...``.
(3.x pages load jQuery 2 from a CDN; this folder loads jQuery from the server's
static path, since these machines reach no CDN.)
"""

from dallinger.experiment import Experiment
from dallinger.networks import Chain


class LegacyChain(Experiment):
    def __init__(self, session=None):
        super(LegacyChain, self).__init__(session)
        self.experiment_repeats = 1
        self.initial_recruitment_size = 1
        if session:
            self.setup()

    def create_network(self):
        return Chain(max_size=5)
