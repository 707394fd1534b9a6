"""Imports a name no Dallinger release has (a typo for ``Experiment``)."""
from dallinger.experiments import Experimnet


class Typo(Experimnet):
    pass
