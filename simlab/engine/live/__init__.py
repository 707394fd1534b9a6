"""The live report page (``simlab scenario run ... --web``): a run watched while it goes.

A small Quart-trio app, served by hypercorn on loopback inside the run's own trio
run, pushes the run's numbers to the page over Server-Sent Events: the plots and
tables of ``report.html`` (Chart.js, vendored: nothing is downloaded at run time),
the networks as they grow, and the recruited bots' states.

``state`` needs only trio; ``app`` and ``server`` (Quart, hypercorn) are imported
only by a run that serves the page.
"""
