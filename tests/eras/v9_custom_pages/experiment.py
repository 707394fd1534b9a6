"""A colour-naming chain with its own ad, consent and instructions, as written for Dallinger 9.x.

Its ad overrides base/ad.html's ``live`` and ``sandbox_or_debug`` blocks with a
begin button of its own; its consent overrides ``consent_text`` and
``consent_button`` and leads to an instructions page of its own; its page asks
its own Flask route (``extra_routes``, a Blueprint) for the tally so far.
"""

from collections import Counter

from flask import Blueprint, jsonify, request

from dallinger.experiment import Experiment
from dallinger.models import Info
from dallinger.networks import Chain

extra_routes = Blueprint(
    "extra_routes", __name__, template_folder="templates", static_folder="static"
)


@extra_routes.route("/colour-tally", methods=["GET"])
def colour_tally():
    """How often each colour was named (the experiment's own route)."""
    counts = Counter(info.contents for info in Info.query.all())
    exclude = request.args.get("exclude")
    if exclude:
        counts.pop(exclude, None)
    return jsonify(status="success", tally=dict(counts))


class ColourChain(Experiment):
    def __init__(self, session=None):
        super(ColourChain, self).__init__(session)
        self.experiment_repeats = 1
        self.initial_recruitment_size = 1
        if session:
            self.setup()

    def create_network(self):
        return Chain(max_size=5)
