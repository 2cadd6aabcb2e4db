"""Benchmarks of the pipeline (`python3 -m bench.run`)."""
