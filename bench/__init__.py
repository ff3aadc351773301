"""Benchmarks: run them with ``bench/run_queue_bench.py``; figures in ``bench/README.md``."""
