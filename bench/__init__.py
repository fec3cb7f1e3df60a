"""Benchmarks: each `bench_*.py` module has a `main(argv)` printing ratios (`python -m bench`)."""
