"""Write the report (JSON + Markdown) from the journal's records."""

from __future__ import annotations

from wizard.migration.context import Context
from wizard.migration.events import ReportWritten
from wizard.migration.report import write_report
from wizard.migration.stages.old_changes import acknowledge, refresh_old_changes
from wizard.migration.steps import Outcome, StepId, StepOutcome

STEP = StepId.REPORT


def run(ctx: Context) -> StepOutcome:
    """Render report.json and report.md into the migration's directory (0600), after reading the
    old manager's changes once more (the advice must hold at the moment it is given)."""
    refresh_old_changes(ctx)
    acknowledge(ctx)
    json_path, md_path = write_report(ctx.journal, report_step_done=True)
    ctx.emit(ReportWritten(str(json_path), str(md_path), md_path.read_text(encoding="utf-8")))
    return StepOutcome(STEP, Outcome.DONE, f"{json_path} and {md_path.name}")
