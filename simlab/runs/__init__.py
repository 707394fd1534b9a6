"""Runs: the one package that imports both simlab's server and the bot engine.

* :mod:`.inprocess`: a scenario against its in-process server (``simlab.run_scenario``);
* :mod:`.experiment_bots`: a Dallinger experiment driven by its own ``Bot`` class;
* :mod:`.serve_scenario`: a scenario's server in a child process (for distributed runs);
* :mod:`.distributed`: a run split over dask workers (``simlab scenario run --workers``).
"""
