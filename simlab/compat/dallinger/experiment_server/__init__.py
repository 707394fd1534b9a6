"""``dallinger.experiment_server``: the helpers experiment routes use."""
