"""The live report page (``simlab scenario run ... --web``): a run watched while it goes.

A small Quart-trio app, served by hypercorn on loopback inside the run's own trio
run, pushes the run's numbers to the page over Server-Sent Events: the plots and
tables of ``report.html`` (Chart.js, vendored: nothing is downloaded at run time),
the networks as they grow, and the recruited bots' states.  What it shows is
:class:`simlab.engine.reporting.live.LiveState` (trio only); serving it is here,
in ``runs/``, because the engine is only a client.
"""
