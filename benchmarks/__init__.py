"""Benchmarks: a deterministic dataset generator and timed scenarios beside their peers."""
