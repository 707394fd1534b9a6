"""Imports Dallinger's Heroku deployment tools, which simlab leaves out."""
from dallinger.experiment import Experiment
from dallinger.heroku.tools import HerokuApp


class Deploys(Experiment):
    def on_launch(self):
        HerokuApp("app").open_logs()
