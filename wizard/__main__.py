"""`python -m wizard` is the same as the `cfy-migrate` command."""

from wizard.cli import main

raise SystemExit(main())
