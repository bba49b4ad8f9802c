"""Tenants and users over REST: premium-only on community (measured on 7.1), a password change works."""

from __future__ import annotations

from typing import Any

from tests.simulator.helpers import Api

PREMIUM = {
    "error_code": "missing_premium_package_error",
    "message": "This feature exists only in the premium edition of Cloudify.\n"
    "Please contact sales for additional info.",
    "server_traceback": None,
}


def test_community_refuses_tenant_and_user_creation(make_simulator: Any) -> None:
    api = Api(make_simulator(profile="7.1.0", edition="community"))
    for r in (
        api.post("/tenants/t_probe"),
        api.put("/users", json={"username": "u", "password": "u-pw", "role": "default"}),
        api.get("/user-groups"),
        api.get("/users"),
    ):
        assert r.status_code == 404 and r.json() == PREMIUM


def test_premium_creates_tenants_and_users(make_simulator: Any) -> None:
    sim = make_simulator(profile="7.1.0")
    api = Api(sim)
    assert api.post("/tenants/t_new").status_code == 201
    assert api.post("/tenants/t_new").status_code == 409
    r = api.put("/users", json={"username": "bob", "password": "bob-pw", "role": "default"})
    assert r.status_code == 201 and r.json()["username"] == "bob"
    assert Api(sim, user="bob", password="bob-pw", tenant=None).get("/user").status_code == 200
    assert "t_new" in sim.state()["tenants"]


def test_password_change_works_on_community_and_login_stamps(make_simulator: Any) -> None:
    sim = make_simulator(profile="7.1.0", edition="community", admin_password="first")
    api = Api(sim)
    me = api.get("/user").json()
    assert me["last_login_at"] and me["first_login_at"]  # every password login stamps them
    assert api.post("/users/admin", json={"password": "second"}).status_code == 200
    assert Api(sim, password="first").get("/user").status_code == 401
    assert Api(sim, password="second").get("/user").status_code == 200
    unknown = Api(sim, user="nobody", password="x").get("/user")
    assert unknown.status_code == 401
    assert unknown.json()["message"] == "User unauthorized: No authentication info provided"
