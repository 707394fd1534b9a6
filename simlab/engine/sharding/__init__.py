"""A run split over dask workers: the shards' plans and results, and the coordinator's live view."""
