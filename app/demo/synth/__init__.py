"""Synthetic data at scale (`flask synth`): a council of any size, written in bulk, for benchmarks."""
