"""Benchmarks of retiree-tools: a seeded data generator and a runner (``python -m benchmarks``)."""
