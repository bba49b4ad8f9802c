"""Identity and health calls against simulated managers of every profile, over real sockets."""

from __future__ import annotations

from collections.abc import Callable

import pytest

from tests.integration.client.conftest import ClientFactory
from wizard.cloudify.client import RequestRecord
from wizard.cloudify.errors import ForbiddenError, UnauthorizedError
from wizard.simulator import RunningSimulator

Make = Callable[..., RunningSimulator]


@pytest.mark.parametrize("profile", ["4.6", "5.2.7", "6.4.2", "7.0.4"])
def test_version_status_managers_user_tenants(
    make_simulator: Make, make_client: ClientFactory, profile: str
) -> None:
    sim = make_simulator(profile=profile)
    records: list[RequestRecord] = []
    client = make_client(sim, records=records)
    info = client.version()
    assert info.version == profile
    assert str(client.server_version) == (profile + ".0" if profile.count(".") == 1 else profile)
    status = client.status()
    assert status.healthy
    if profile == "4.6":
        assert status.status == "running"
    else:
        assert status.status == "OK"
    (node,) = client.managers()
    assert node.private_ip == "127.0.0.1"
    assert node.networks.get("default") == "127.0.0.1"
    user = client.current_user()
    assert user.username == "admin" and user.is_admin
    tenants = {t.name for t in client.tenants()}
    assert tenants == set(sim.state()["tenants"])
    running = client.snapshot_restore_running()
    assert running is (None if profile == "4.6" else False)
    if profile == "4.6":
        paths = [(r.path, r.status) for r in records]
        assert ("/api/v3.1/managers", 404) in paths
        assert ("/api/v3.1/provider/context", 200) in paths
        assert node.hostname == ""
    else:
        assert node.hostname
    # every exchange reported, with the tenant and never a credential
    assert all(r.tenant == "default_tenant" for r in records)
    assert all("admin" not in repr(r.params) for r in records)
    assert all(r.seconds >= 0 for r in records)


def test_brokers(make_simulator: Make, make_client: ClientFactory) -> None:
    sim = make_simulator(profile="7.0.4", extra_networks=("ext",))
    brokers = make_client(sim).brokers()
    assert brokers and set(brokers[0].networks) >= {"default", "ext"}


def test_non_admin_user(make_simulator: Make, make_client: ClientFactory) -> None:
    sim = make_simulator(profile="6.4.2")
    user = make_client(sim, user="alice", password="alice-password").current_user()
    assert user.username == "alice"
    assert not user.is_admin


def test_wrong_password_and_unknown_tenant(make_simulator: Make, make_client: ClientFactory) -> None:
    sim = make_simulator(profile="6.4.2")
    with pytest.raises(UnauthorizedError) as info:
        make_client(sim, password="wrong").current_user()
    assert info.value.status == 401
    assert info.value.error_code == "unauthorized_error"
    assert "user name and password" in str(info.value)
    with pytest.raises(ForbiddenError) as forbidden:
        make_client(sim, tenant="no-such-tenant").count("blueprints")
    assert forbidden.value.status == 403


def test_snapshot_status_needs_no_credentials(make_simulator: Make, make_client: ClientFactory) -> None:
    sim = make_simulator(profile="7.0.4")
    assert make_client(sim, password="wrong").snapshot_restore_running() is False
