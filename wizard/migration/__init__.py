"""The migration engine: config, checks, steps, runner, journal, agents, archive, report.

It never imports Textual (tests/unit/test_layering.py enforces it). Public entry points:
`runner.Migration`, `config.load_config`, `journal.list_migrations`, `events`, `findings`,
`steps`, `decider`, `report`.
"""
