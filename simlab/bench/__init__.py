"""Load benchmarks of a Dallinger-API server (``simlab bench``)."""
