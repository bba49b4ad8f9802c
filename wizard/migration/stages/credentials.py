"""Which admin password the new manager accepts — asked of the manager, never taken from the
journal — and the re-authentication step after the restore.

After a legacy restore the new manager's admin password becomes the OLD manager's; on a real
manager there is a window of ~20 s in which neither works (the REST service restarted with the
old rest-security.conf before the post-restore commands ran), which is waited out here.
"""

from __future__ import annotations

from wizard.cloudify.client import ManagerClient
from wizard.cloudify.endpoint import Credentials
from wizard.cloudify.errors import CloudifyError, ForbiddenError, MaintenanceModeError, UnauthorizedError
from wizard.migration.config import MigrationConfig
from wizard.migration.context import Context
from wizard.migration.errors import MigrationError
from wizard.migration.steps import Outcome, StepId, StepOutcome
from wizard.migration.storage import utc_now

STEP = StepId.REAUTHENTICATE


def candidates_for(config: MigrationConfig, current: Credentials) -> list[Credentials]:
    """Credentials to try on the new manager after a restore: the old admin's first, then the
    new's, then whatever works now."""
    old, new = config.old.credentials, config.new_manager.credentials
    out = [
        Credentials(old.username, old.password, new.tenant),
        Credentials(new.username, new.password, new.tenant),
        current,
    ]
    unique: list[Credentials] = []
    for c in out:
        if c not in unique:
            unique.append(c)
    return unique


def candidates(ctx: Context) -> list[Credentials]:
    """candidates_for this run's config and the credentials in use."""
    return candidates_for(ctx.config, ctx.new_credentials)


def working(ctx: Context, tries: list[Credentials]) -> Credentials | None:
    """The first of `tries` the new manager accepts (GET /user), or None."""
    return working_on(ctx.new, tries)


def working_on(base: ManagerClient, tries: list[Credentials]) -> Credentials | None:
    """The first of `tries` the manager of `base` accepts (GET /user), or None (read-only: the
    check command uses it without a run, its journal or its lock)."""
    for creds in tries:
        client = base.with_credentials(creds)
        try:
            try:
                client.current_user()
            except MaintenanceModeError:
                client.maintenance()  # /user is refused in maintenance mode; /maintenance is not
            return creds
        except (UnauthorizedError, ForbiddenError):
            continue
        except CloudifyError:
            continue
        finally:
            client.close()
    return None


def adopt_working(ctx: Context, *, step: StepId | None = None) -> Credentials | None:
    """Switch the new manager's client to whichever password works now; say so when it changed."""
    creds = working(ctx, candidates(ctx))
    if creds is not None and creds != ctx.new_credentials:
        ctx.use_new_credentials(creds)
        if creds.password == ctx.config.old.credentials.password:
            ctx.log(
                step, "warning", "The new manager accepts the OLD manager's admin password now (restored)."
            )
    return creds


def run(ctx: Context) -> StepOutcome:
    """Find the password the new manager accepts now (old admin's first), or ask for one."""
    c = ctx.state.credentials
    old_pw = ctx.config.old.credentials
    legacy = ctx.state.archive.legacy
    # the window in which neither password works (REST restarted, post-restore commands pending)
    window = max(60.0, 30 * ctx.poll) if legacy else 0.0
    creds = ctx.wait(
        lambda: working(ctx, candidates(ctx)),
        lambda found: found is not None,
        timeout=window,
        progress=lambda _c, s: ctx.progress(STEP, s, 0, "s", "waiting for the new manager to accept a login"),
    ).value
    if legacy and creds is not None and creds.password != old_pw.password:
        # 4.x has no /snapshot-status: the switch may still be seconds away; give it a moment
        creds = (
            ctx.wait(
                lambda: working(ctx, candidates(ctx)),
                lambda found: found is not None and found.password == old_pw.password,
                timeout=10 * ctx.poll,
            ).value
            or creds
        )
    asked = False
    while creds is None:
        answer = ctx.ask_person(
            lambda: ctx.decider.ask_password(
                "new", "The new manager accepts neither the old manager's nor its own admin password."
            )
        )
        if not answer:
            raise MigrationError(
                "Cannot log in to the new manager after the restore: neither the old manager's nor the "
                "new manager's admin password works.",
                "Find the admin password (after a legacy restore it is the OLD manager's) and give it "
                "(headless: CFY_MIGRATE_NEW_PASSWORD), then run again.",
            )
        asked = True
        ctx.secrets.add(answer)
        new = ctx.config.new_manager.credentials
        creds = working(
            ctx,
            [Credentials(new.username, answer, new.tenant), Credentials(old_pw.username, answer, new.tenant)],
        )
    ctx.use_new_credentials(creds)
    same_as_old = creds.password == old_pw.password and creds.username == old_pw.username
    which = "asked" if asked else ("old" if same_as_old else "new")
    changed = which != "new" or creds.password != ctx.config.new_manager.credentials.password
    c.which, c.username, c.changed, c.at = which, creds.username, changed, utc_now()
    ctx.save()
    if changed:
        ctx.log(
            STEP,
            "warning",
            f"The new manager's admin password has CHANGED: log in as {creds.username} with the "
            f"{'OLD manager' if which == 'old' else 'given'}'s password from now on.",
        )
    from wizard.migration.stages.restore_wait import deactivate_maintenance

    deactivate_maintenance(ctx)
    return StepOutcome(
        STEP,
        Outcome.DONE,
        f"logged in as {creds.username} with the {which} {'password' if which != 'asked' else 'one'}"
        + (" (the new manager's password changed)" if changed else ""),
    )


def resume_login(ctx: Context) -> None:
    """On a resumed run after the restore: log in with whatever works now (old or new password),
    asking the person only when neither does."""
    if adopt_working(ctx) is not None:
        return
    answer = ctx.ask_person(
        lambda: ctx.decider.ask_password(
            "new", "The new manager's admin password changed during the restore."
        )
    )
    if answer:
        ctx.secrets.add(answer)
        new = ctx.config.new_manager.credentials
        ctx.use_new_credentials(
            Credentials(ctx.state.credentials.username or new.username, answer, new.tenant)
        )
