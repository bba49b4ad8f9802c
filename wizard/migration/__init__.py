"""The migration engine: config, checks, steps, runner, journal, agents, archive, report.

It never imports Textual (tests/unit/test_layering.py enforces it).
"""
