"""Fixtures for the client-over-real-sockets tests: simulators and clients bound to them."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Any

import pytest

from tests.simulator_fixtures import make_simulator  # noqa: F401
from wizard.cloudify.client import ManagerClient, RequestRecord
from wizard.cloudify.endpoint import Credentials, Endpoint
from wizard.simulator import RunningSimulator

ClientFactory = Callable[..., ManagerClient]


@pytest.fixture
def make_client() -> Iterator[ClientFactory]:
    """`make(sim_or_url, user=..., password=..., tenant=..., records=list, **client kwargs)`; fast
    retries by default; every client is closed at teardown."""
    made: list[ManagerClient] = []

    def make(
        target: RunningSimulator | str,
        *,
        user: str = "admin",
        password: str | None = None,
        tenant: str = "default_tenant",
        records: list[RequestRecord] | None = None,
        **kwargs: Any,
    ) -> ManagerClient:
        if isinstance(target, str):
            url = target
            pw = password if password is not None else "admin"
        else:
            url = target.url
            pw = password if password is not None else target.config.admin_password
        kwargs.setdefault("retries", 2)
        kwargs.setdefault("backoff", 0.01)
        kwargs.setdefault("timeout", (2.0, 10.0))
        if records is not None:
            kwargs["on_request"] = records.append
        client = ManagerClient(Endpoint.parse(url), Credentials(user, pw, tenant), **kwargs)
        made.append(client)
        return client

    yield make
    for client in made:
        client.close()
