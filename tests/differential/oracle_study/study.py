"""The oracles' two studies as one simlab experiment file (see /work/shared/oracles/).

Dallinger side: the base Experiment with one Chain network and two public properties
(``run_dallinger.sh``'s experiment).  oTree side: ``run_otree.sh``'s settings.py.
"""

from simlab import Chain, Experiment


class ConformanceExperiment(Experiment):
    experiment_repeats = 1
    public_properties = {"conformance": True, "label": "simlab"}

    def create_network(self):
        return Chain()


SESSION_CONFIGS = [
    dict(name="solo", display_name="Solo task", app_sequence=["solo_app"], num_demo_participants=3,
         num_apples=10, players_per_group=1),
    dict(name="pairs", display_name="Pairs task", app_sequence=["pair_app"], num_demo_participants=4,
         players_per_group=2),
    dict(name="mocked", display_name="Mocked exogenous data", app_sequence=["solo_app"],
         num_demo_participants=2, mock_exogenous_data=True, players_per_group=1),
]
SESSION_CONFIG_DEFAULTS = dict(real_world_currency_per_point=1.00, participation_fee=0.00, doc="")
ROOMS = [
    dict(name="econ101", display_name="Econ 101", participant_label_file="_rooms/econ101.txt"),
    dict(name="lab", display_name="Lab"),
]
REAL_WORLD_CURRENCY_CODE = "USD"


def mock_exogenous_data(session):
    if session.config["name"] == "mocked":
        for i, participant in enumerate(session.get_participants(), start=1):
            participant.label = "mock%d" % i
            participant.vars["mock_score"] = 10 * i
        session.vars["mock_source"] = "exogenous"
