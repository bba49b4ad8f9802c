"""A simulated Cloudify Manager (REST API v3.1) on loopback, for the demo, tests and benchmarks.

It shares no code with wizard.cloudify, so that the client and the simulator cannot agree on a
wrong shape by construction.
"""
