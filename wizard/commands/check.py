"""Sub-command `check`: preflight both managers, read-only. Exit 0 no blockers, 2 blockers, 1 error.

With `--archive FILE` and no old manager, it checks a restore after the old manager was lost: the
archive (integrity, format, version) and the new manager against it, the IP rule included."""

from __future__ import annotations

import argparse
import sys

from wizard.migration.cli_args import add_archive_arguments, add_manager_arguments


def add_arguments(parser: argparse.ArgumentParser) -> None:
    """Register this sub-command's options."""
    add_manager_arguments(parser)
    add_archive_arguments(parser)


def run(args: argparse.Namespace) -> int:
    """Run every read-only check and print the table and summary; returns the exit code."""
    import json

    from wizard.migration.config import load_config
    from wizard.migration.console import findings_table
    from wizard.migration.decider import HeadlessDecider
    from wizard.migration.errors import MigrationError
    from wizard.migration.findings import blockers, summarize
    from wizard.migration.runner import Migration

    if getattr(args, "archive", None) and not (args.old or args.old_profile):
        args.mode = "restore"  # an archive and no old manager: the old one is lost
    try:
        config = load_config(args)
    except MigrationError as exc:
        print(f"cfy-migrate check: {exc.full_text()}", file=sys.stderr)
        return 1
    if any(m is not None and m.endpoint.insecure for m in (config.old, config.new)):
        print(
            "WARNING: --insecure: TLS certificates are NOT verified; anyone on the path can read the "
            "passwords. Use --old-ca-cert/--new-ca-cert instead.",
            file=sys.stderr,
        )
    try:
        migration = Migration(
            config, on_event=lambda _e: None, decider=HeadlessDecider(False, False), cancel=None
        )
        findings = migration.preflight()
    except MigrationError as exc:
        print(f"cfy-migrate check: {exc.full_text()}", file=sys.stderr)
        return 1
    blocking = blockers(findings, config.waivers)
    # a check that could not run for a network failure is no verdict on the manager: exit 1
    network = bool(blocking) and all(f.data.get("network") for f in blocking)
    code = 1 if network else 2 if blocking else 0
    if args.json:
        print(
            json.dumps(
                {
                    "findings": [f.to_json() for f in findings],
                    "summary": summarize(findings).to_json(),
                    "waivers": [w.to_json() for w in config.waivers],
                    "blockers": [f.id for f in blocking],
                    "exit_code": code,
                },
                indent=2,
                sort_keys=True,
            )
        )
    else:
        print(findings_table(findings, config.waivers))
        if network:
            print(
                f"\nCould not check {', '.join(f.id for f in blocking)}: the connection failed (see above). "
                "Run the check again; nothing was changed."
            )
        elif blocking:
            print(
                f"\nBLOCKED by {', '.join(f.id for f in blocking)}: fix them one at a time and run this "
                "check again, or waive one with --waive ID if you accept the risk."
            )
        else:
            command = "restore" if config.mode.value == "restore" else "run"
            print(f"\nNo blockers: `cfy-migrate {command} ... --yes` may proceed.")
    migration.close()
    return code
