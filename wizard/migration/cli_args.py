"""Command-line options shared by `check` and `run` (kept free of heavy imports so that
`cfy-migrate --help` stays fast). Store-true flags default to None: "not given" lets the config
file and the environment decide (precedence: TOML < environment < flags)."""

from __future__ import annotations

import argparse

EXAMPLE_URL = {"old": "https://10.0.0.5", "new": "https://10.0.0.9"}


def add_manager_arguments(
    parser: argparse.ArgumentParser, labels: tuple[str, ...] = ("old", "new"), *, lost_old: bool = False
) -> None:
    """--old/--new and everything that says how to reach and log in to each manager. `lost_old`:
    the old manager is gone (a restore): --old is only its address as it was, for the IP rule."""
    for label in labels:
        group = parser.add_argument_group(
            f"{label} manager" + (" (lost: never contacted)" if lost_old and label == "old" else "")
        )
        url_help = (
            "the lost manager's address as it was (default: the IP its archive's certificates name)"
            if lost_old and label == "old"
            else f"the {label} manager: https://host[:port] or host[:port], e.g. {EXAMPLE_URL[label]}"
        )
        group.add_argument(f"--{label}", metavar="URL", help=url_help)
        group.add_argument(
            f"--{label}-profile", metavar="NAME", help="use this cfy CLI profile (~/.cloudify/profiles)"
        )
        group.add_argument(
            f"--{label}-protocol", choices=("http", "https"), help="protocol when the URL has none"
        )
        group.add_argument(f"--{label}-user", metavar="USER", help="admin user (default admin)")
        group.add_argument(f"--{label}-tenant", metavar="TENANT", help="tenant (default default_tenant)")
        group.add_argument(f"--{label}-ca-cert", metavar="FILE", help="CA bundle to verify the manager's TLS")
        group.add_argument(
            f"--{label}-password-file",
            metavar="FILE",
            help=f"file holding the password (mode 0600); or set CFY_MIGRATE_{label.upper()}_PASSWORD",
        )
    parser.add_argument(
        "--insecure",
        action="store_true",
        default=None,
        help="do not verify TLS certificates (NOT recommended; warned on every run)",
    )
    parser.add_argument("--config", metavar="FILE", help="TOML configuration file")
    parser.add_argument(
        "--pace",
        type=float,
        metavar="R",
        help="requests per second to each manager at most (default 9: below nginx's limit of 10; "
        "0 = unpaced, only for managers without that limit)",
    )
    parser.add_argument("--state-dir", metavar="DIR", help="where journals, archives and reports live")
    parser.add_argument(
        "--waive",
        metavar="ID[=REASON]",
        action="append",
        default=None,
        help="go on despite the blocking check ID (repeatable; recorded in the report)",
    )
    parser.add_argument("--json", action="store_true", help="machine-readable output")


def add_archive_arguments(parser: argparse.ArgumentParser, *, required: bool = False) -> None:
    """--archive and --repair-community-archive (restore, run, check)."""
    parser.add_argument(
        "--archive",
        metavar="FILE",
        required=required,
        help="a snapshot archive you already have (a backup): used where it is, never changed",
    )
    parser.add_argument(
        "--repair-community-archive",
        action="store_true",
        default=None,
        help="restore a community manager's legacy archive onto 7.x through a repaired copy (two empty "
        "stage/composer keys added; the original is kept): without it 7.x restores NOTHING from it",
    )
