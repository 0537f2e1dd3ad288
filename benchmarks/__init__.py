"""Benchmarks of chronique against other tools (`make bench` runs every `bench_*.py` module)."""
