"""The wizard's start: the forms filled in, the advice outside tmux or screen and for skipped
TLS verification, the offer to resume an unfinished migration (or the one named with
--migration-id), and the Connect page's use and Next — kept apart from app.py (the controller of
the flow); the App mixes this in."""

from __future__ import annotations

from typing import Any

from wizard.migration.config import Mode
from wizard.migration.state import MigrationInfo, list_migrations
from wizard.tui.app_actions import WizardActions
from wizard.tui.dialogs.error import ErrorDialog
from wizard.tui.dialogs.resume import ResumeAnswer, ResumeDialog
from wizard.tui.flow import Page
from wizard.tui.messages import UseChanged
from wizard.tui.model import RunModel
from wizard.tui.options import ManagerForm, in_multiplexer
from wizard.tui.session import check_forms
from wizard.tui.use import labels_of, plan_of, use_from_options


class WizardStart(WizardActions):
    """See the module docstring."""

    def _started(self) -> None:
        self.main.connect.fill(
            self.options.old,
            self.options.new,
            self.options.show(str(self.session.state_dir())),
            self.options.use,
        )
        self.model.mode = self.options.use.mode
        self.model.plan = plan_of(self.options.use)
        self.sync()
        if all(form.url and form.password for form in (self.options.old, self.options.new)):
            self._focus_primary()
        else:
            self.main.focus_page()
        if self.options.check_multiplexer and not in_multiplexer(self.options.environ):
            self.notify(
                "Not running inside tmux or screen: a dropped SSH session would stop the wizard "
                "mid-step (it can be resumed, but the window is long). Consider `tmux new -s migrate`.",
                title="Advice",
                severity="warning",
                timeout=15,
            )
        insecure = [label for label in ("old", "new") if getattr(self.options, label).insecure]
        if insecure:
            self.notify(
                f"TLS certificates of the {' and '.join(insecure)} manager are NOT verified (Skip TLS "
                "verification): anyone on the path can read the passwords. Give the CA bundle instead.",
                title="Insecure",
                severity="warning",
                timeout=15,
            )
        if self.options.offer_resume:
            self._offer_resume()

    def _offer_resume(self) -> None:
        if self.options.fresh:
            return
        try:
            infos = list_migrations(self.session.state_dir())
        except OSError:
            return
        if self.options.migration_id:
            named = [m for m in infos if m.id == self.options.migration_id]
            if named:
                self._prefill_from(named[0])
                self.notify(f"Resuming {named[0].id}: check the passwords and press Next.", title="Resume")
            else:
                self.push_screen(
                    ErrorDialog(
                        f"No migration {self.options.migration_id}",
                        f"{self.session.state_dir()} holds no migration with that id.",
                        "Check the id and the state directory (--state-dir) it was started with; or go on: "
                        "Next starts a new migration.",
                    )
                )
                self.session.migration_id = None
            return
        unfinished = [m for m in infos if not m.finished and not m.error]
        if not unfinished:
            return
        info = unfinished[0]

        def answered(answer: ResumeAnswer | None) -> None:
            if answer == "resume":
                self._prefill_from(info)
                self.session.migration_id = info.id
                self.notify(f"Resuming {info.id}: enter the passwords and press Next.", title="Resume")
            else:
                self.session.fresh = True

        self.push_screen(ResumeDialog(info, dict(self.options.display_urls)), answered)

    def _prefill_from(self, info: MigrationInfo) -> None:
        options = info.options
        use = use_from_options(options)
        self.session.use = use
        self.model.mode = use.mode
        self.model.plan = plan_of(use)
        for label, url in (("old", info.old), ("new", info.new)):
            raw = options.get(label)
            saved: dict[str, Any] = raw if isinstance(raw, dict) else {}
            form = self.session.forms[label]
            if url.startswith(("archive:", "backup:")):
                # a restore's or a backup's journal key, not an address (see MigrationConfig.journal_key)
                url = str(saved.get("url") or form.url) if use.mode is not Mode.RESTORE else ""
            self.session.forms[label] = ManagerForm(
                url=url,
                user=str(saved.get("user") or form.user),
                password=form.password,
                tenant=str(saved.get("tenant") or form.tenant),
                ca_cert=str(saved.get("ca_cert") or ""),
                insecure=bool(saved.get("insecure")),
            )
        self.main.connect.fill(
            self.session.forms["old"],
            self.session.forms["new"],
            self.options.show(str(self.session.state_dir())),
            use,
        )
        self.sync()

    # -- the Connect page ------------------------------------------------------------------------
    def on_use_changed(self, message: UseChanged) -> None:
        """The Connect page's use changed: the sidebar shows its pages (nothing runs)."""
        if self.busy is None:
            self.model.mode = message.use.mode
            self.model.plan = plan_of(message.use)
            self.sync()

    def _connect(self) -> None:
        """Next on the Connect page: check the fields the use needs, then connect and preflight
        (a changed use or manager is another migration)."""
        connect = self.main.connect
        forms = {label: connect.form(label).read() for label in ("old", "new")}
        use = connect.read_use()
        problem = check_forms(forms, use)
        if problem is not None:
            # said on the Connect page, before anything runs: the field to fill is right there
            label, field, error = problem
            connect.focus_use_field(label, field)
            self.push_screen(ErrorDialog("A field is missing", error.message, error.remediation))
            return
        if forms != self.session.forms or use != self.session.use:
            # another use, archive or backup directory is another migration (another journal)
            moved = use != self.session.use or any(
                (forms[label].url, forms[label].profile)
                != (self.session.forms[label].url, self.session.forms[label].profile)
                for label in labels_of(use.mode)
            )
            if use != self.session.use:
                # what the other use's run did says nothing about this one
                self.model = RunModel(connected=self.model.connected)
            self.session.forms = forms
            self.session.use = use
            self.session.forget(managers_changed=moved)
        self.model.mode = use.mode
        self.model.plan = plan_of(use)
        self.model.connected = True
        self.navigate(Page.PREFLIGHT)
        self._start("connect", Page.PREFLIGHT, ())

    def _focus_primary(self) -> None:
        """Focus the page's main button (the App's)."""
        raise NotImplementedError
