"""What a run measured: statistics, latency histograms, the final snapshot, progress and reports."""
