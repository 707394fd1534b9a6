"""The example experiment of the README: one Chain network."""

from simlab import Chain, Experiment


class ConformanceExperiment(Experiment):
    experiment_repeats = 1
    public_properties = {"conformance": True, "label": "simlab"}

    def create_network(self):
        return Chain()
