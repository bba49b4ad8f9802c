"""Sub-command `report`: print a migration's report, rebuilt from its journal."""

from __future__ import annotations

import argparse
import sys


def add_arguments(parser: argparse.ArgumentParser) -> None:
    """Register this sub-command's options."""
    parser.add_argument("--migration-id", metavar="ID", help="which migration (default: the newest)")
    parser.add_argument("--state-dir", metavar="DIR", help="where journals live")
    parser.add_argument("--json", action="store_true", help="print report.json instead of Markdown")
    parser.add_argument("--list", action="store_true", help="list the migrations found")


def run(args: argparse.Namespace) -> int:
    """Print the report (and rewrite report.json/report.md); returns the exit code."""
    import json
    import os
    from pathlib import Path

    from wizard.migration.config import default_state_dir
    from wizard.migration.errors import MigrationError
    from wizard.migration.report import build_report, render_markdown, write_report
    from wizard.migration.state import Journal, journal_path, list_migrations

    state_dir = Path(
        args.state_dir or os.environ.get("CFY_MIGRATE_STATE_DIR") or default_state_dir()
    ).expanduser()
    migrations = list_migrations(state_dir)
    if args.list:
        for m in migrations:
            state = "finished" if m.finished else f"at {m.last_step or 'start'} ({m.last_status})"
            print(f"{m.id}  {m.old} -> {m.new}  {state}{'  ' + m.error if m.error else ''}")
        return 0
    if args.migration_id:
        path = journal_path(state_dir, args.migration_id)
    elif migrations:
        path = migrations[0].path
    else:
        print(
            f"cfy-migrate report: no migration found under {state_dir}. Pass --state-dir or run a migration "
            "first.",
            file=sys.stderr,
        )
        return 1
    try:
        journal = Journal.load(path)
        write_report(journal)
    except MigrationError as exc:
        print(f"cfy-migrate report: {exc.full_text()}", file=sys.stderr)
        return 1
    except OSError as exc:
        print(f"cfy-migrate report: cannot write the report next to {path}: {exc.strerror}", file=sys.stderr)
        return 1
    report = build_report(journal)
    print(json.dumps(report, indent=2, sort_keys=True) if args.json else render_markdown(report))
    return 0
