"""Credentials against a simulated manager (issue 14): UTF-8 passwords log in, from the
client and through `cfy-migrate check`; a non-ASCII tenant is a clear error, no traceback, and no
output names the password or a character position in it; a URL with user:password@ is refused
without printing the password."""

from __future__ import annotations

from collections.abc import Callable

import pytest

from tests.faults.conftest import PairFactory, run_wizard
from wizard.cloudify import errors
from wizard.cloudify.client import ManagerClient
from wizard.cloudify.endpoint import Credentials, Endpoint
from wizard.simulator import RunningSimulator

PASSWORDS = ["pässwörd", "S3cret€-x", "パスワード-1"]


@pytest.mark.parametrize("password", PASSWORDS)
def test_utf8_password_logs_in(make_simulator: Callable[..., RunningSimulator], password: str) -> None:
    sim = make_simulator(host="127.0.0.2", admin_password=password)
    with ManagerClient(Endpoint.parse(sim.url), Credentials("admin", password), pace=None) as client:
        assert client.current_user().username == "admin"
    with (
        ManagerClient(Endpoint.parse(sim.url), Credentials("admin", password + "x"), pace=None) as bad,
        pytest.raises(errors.UnauthorizedError) as info,
    ):
        bad.current_user()
    assert password not in str(info.value)


def test_check_with_utf8_passwords_has_no_traceback(make_pair: PairFactory) -> None:
    pair = make_pair(old={"admin_password": "pässwörd"}, new={"admin_password": "S3cret€-x"})
    pair.env["CFY_MIGRATE_OLD_PASSWORD"] = "pässwörd"
    pair.env["CFY_MIGRATE_NEW_PASSWORD"] = "S3cret€-x"
    result = run_wizard(pair.args(command="check"), pair.env)
    assert "Traceback" not in result.output
    assert "UnicodeEncodeError" not in result.output
    assert "position" not in result.output
    assert "unauthorized" not in result.said, result.explain()
    for secret in ("pässwörd", "S3cret€-x"):
        assert secret not in result.output


def test_check_with_a_non_ascii_tenant_is_a_clear_error(make_pair: PairFactory) -> None:
    pair = make_pair()
    pair.env["CFY_MIGRATE_OLD_PASSWORD"] = "pa€s-wörd"
    result = run_wizard(pair.args("--old-tenant", "テナント", command="check"), pair.env)
    assert "Traceback" not in result.output, result.explain()
    assert "UnicodeEncodeError" not in result.output
    assert "pa€s-wörd" not in result.output
    assert "テナント" in result.output


@pytest.mark.parametrize(
    "url",
    [
        "http://admin:S3cret-Q9@127.0.0.2:99999",
        "http://admin:S3cret-Q9@127.0.0.2:80/api",
        "ftp://admin:S3cret-Q9@127.0.0.2",
    ],
)
def test_check_with_credentials_in_the_url_never_prints_them(make_pair: PairFactory, url: str) -> None:
    pair = make_pair()
    args = ["check", "--old", url, "--new", pair.new.url, "--state-dir", str(pair.state_dir)]
    result = run_wizard(args, pair.env)
    assert result.returncode != 0
    assert "S3cret-Q9" not in result.output, result.explain()
    assert "Traceback" not in result.output
    assert "--old-user" in result.output
