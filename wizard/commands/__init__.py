"""One module per sub-command; each has `add_arguments(parser)` and `run(args) -> int`.

They import heavy things (Textual, the engine) inside `run`, so that `cfy-migrate --version`
and `--help` stay fast.
"""
