"""Benchmarks: `make bench` (python -m bench). Figures and ratios against a baseline
measured in the same run; nothing here is asserted in tests."""
