"""Make screenshots/*.svg: one per wizard step (and the summary), from the real app driven
through a complete migration against two simulated managers on loopback; and the Connect page in
Back up and in Restore mode (`--only uses`: just those two, no simulator needed).

    /work/venv/bin/python scripts/make_screenshots.py [--out screenshots] [--only uses]

Ports and temporary paths vary between runs; they are shown as fixed placeholders so the
pictures do not change for no reason.
"""

from __future__ import annotations

import argparse
import asyncio
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from tests.tui.drive import full_migration  # noqa: E402
from wizard.migration.config import Mode  # noqa: E402
from wizard.simulator import SimulatorConfig, start_simulator  # noqa: E402
from wizard.tui.app import MigrateApp  # noqa: E402
from wizard.tui.options import LaunchOptions, ManagerForm, UseForm  # noqa: E402

NAMES = {
    "01-connect": "01-connect.svg",
    "02-preflight": "02-preflight.svg",
    "03-snapshot": "03-snapshot.svg",
    "04-download": "04-download.svg",
    "05-new-manager": "05-new-manager.svg",
    "06-restore-confirm": "06-restore-confirm.svg",
    "06-restore": "06-restore.svg",
    "07-agents": "07-agents.svg",
    "08-summary": "08-summary.svg",
}
#: the same screens at 80x24 too
NARROW = {
    "02-preflight": "narrow-02-preflight.svg",
    "06-restore-confirm": "narrow-06-restore-confirm.svg",
    "07-agents": "narrow-07-agents.svg",
}
SIZE = (120, 40)
NARROW_SIZE = (80, 24)
#: the Connect page in the other uses of a snapshot (fields as a person would fill them)
BACKUP_DIR = "/var/backups/cloudify"
USES = {
    "01-connect-backup.svg": UseForm(Mode.BACKUP, backup_dir=BACKUP_DIR, keep="7"),
    "01-connect-restore.svg": UseForm(
        Mode.RESTORE, archive=f"{BACKUP_DIR}/cfy-backup-old-manager-20261207T020000Z-5c1e.zip"
    ),
}


async def make_uses(out: Path) -> list[Path]:
    """The Connect page in Back up and in Restore mode (nothing is contacted on that page)."""
    out.mkdir(parents=True, exist_ok=True)
    written: list[Path] = []
    with tempfile.TemporaryDirectory(prefix="cfy-migrate-shots-") as tmp:
        for file_name, use in USES.items():
            options = LaunchOptions(
                old=ManagerForm(url="http://127.0.0.11:8100", password="old-admin-pw"),
                # a restore's new manager took the lost manager's IP
                new=ManagerForm(
                    url="http://127.0.0.11:8100" if use.mode is Mode.RESTORE else "http://127.0.0.12:8100",
                    password="new-admin-pw",
                ),
                use=use,
                state_dir=Path(tmp),
                environ={"HOME": tmp, "TERM": "xterm-256color", "TMUX": "screenshots"},
                offer_resume=False,
                check_multiplexer=False,
                display_urls={tmp: "~/.local/state/cfy-migrate"},
            )
            app = MigrateApp(options)
            async with app.run_test(size=SIZE) as pilot:
                await pilot.pause()
                svg = app.export_screenshot(title=f"cfy-migrate — connect ({use.mode.value})")
                svg = svg.replace(tmp.replace("/", "&#47;"), "~/.local/state/cfy-migrate").replace(
                    tmp, "~/.local/state/cfy-migrate"
                )
                path = out / file_name
                path.write_text(svg, encoding="utf-8")
                written.append(path)
    return written


async def make(out: Path) -> list[Path]:
    """Run the migration and save the pictures; returns the files written."""
    out.mkdir(parents=True, exist_ok=True)
    old = start_simulator(
        SimulatorConfig(
            profile="6.4.2",
            seed=7,
            tenants=3,
            deployments=12,
            installed=9,
            admin_password="old-admin-pw",
            host="127.0.0.11",
            time_scale=0.05,
            restore_outage=2.0,
            hostname="old-manager",
        )
    )
    new = start_simulator(
        SimulatorConfig(
            profile="7.0.4",
            seed=8,
            clean=True,
            admin_password="new-admin-pw",
            host="127.0.0.12",
            time_scale=0.05,
            restore_outage=2.0,
            hostname="new-manager",
        )
    )
    written: list[Path] = []
    try:
        with tempfile.TemporaryDirectory(prefix="cfy-migrate-shots-") as tmp:
            options = LaunchOptions(
                old=ManagerForm(url=old.url, password="old-admin-pw"),
                new=ManagerForm(url=new.url, password="new-admin-pw"),
                state_dir=Path(tmp),
                environ={"HOME": tmp, "TERM": "xterm-256color", "TMUX": "screenshots"},
                poll_interval=0.05,
                offer_resume=False,
                check_multiplexer=False,
                display_urls={
                    old.url: "http://127.0.0.11:8100",
                    new.url: "http://127.0.0.12:8100",
                    tmp: "~/.local/state/cfy-migrate",
                },
            )
            app = MigrateApp(options)
            async with app.run_test(size=SIZE) as pilot:

                def save(name: str, file_name: str, title: str) -> None:
                    svg = app.export_screenshot(title=title)
                    for real, shown in options.display_urls.items():
                        svg = svg.replace(real.replace("/", "&#47;"), shown).replace(real, shown)
                    path = out / file_name
                    path.write_text(svg, encoding="utf-8")
                    written.append(path)

                async def snap(name: str) -> None:
                    if name not in NAMES:
                        return
                    await pilot.pause()
                    title = f"cfy-migrate — {name[3:].replace('-', ' ')}"
                    save(name, NAMES[name], title)
                    if name in NARROW:
                        # the same screen in the smallest terminal the wizard supports
                        await pilot.resize_terminal(*NARROW_SIZE)
                        await pilot.pause()
                        save(name, NARROW[name], f"{title} (80x24)")
                        await pilot.resize_terminal(*SIZE)
                        await pilot.pause()

                await full_migration(pilot, snap)
    finally:
        new.stop()
        old.stop()
    return written


def main() -> int:
    """Entry point."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=ROOT / "screenshots")
    parser.add_argument("--only", choices=("uses",), help="only the Connect page in Back up and Restore mode")
    args = parser.parse_args()
    written = [] if args.only else asyncio.run(make(args.out))
    written += asyncio.run(make_uses(args.out))
    for path in written:
        print(path.relative_to(ROOT) if path.is_relative_to(ROOT) else path)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
