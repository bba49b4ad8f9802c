"""Benchmarks of cfy-migrate (not part of the test run): `python -m tests.benchmarks [--quick]`."""
