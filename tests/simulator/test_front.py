"""The nginx front, over real sockets: gzip+chunked JSON, limit_req, the port-80 answer, http on https."""

from __future__ import annotations

import gzip
import http.client
import json
import socket
import ssl
import threading
import time
from typing import Any

import requests

from wizard.simulator.front import RateLimiter

from .conftest import SimTls
from .helpers import Api, make_snapshot

AUTH = "Basic YWRtaW46YWRtaW4="  # admin:admin


def _raw(sim: Any, path: str, headers: dict[str, str] | None = None, method: str = "GET") -> Any:
    host, port = sim.host, sim.port
    conn = http.client.HTTPConnection(host, port, timeout=10)
    conn.request(method, path, headers={"Authorization": AUTH, "Tenant": "default_tenant", **(headers or {})})
    resp = conn.getresponse()
    body = resp.read()
    conn.close()
    return resp, body


def test_large_json_is_gzipped_and_chunked_small_is_not(make_simulator: Any) -> None:
    sim = make_simulator(profile="7.1.0")
    resp, body = _raw(sim, "/api/v3.1/deployments?_all_tenants=true", {"Accept-Encoding": "gzip, deflate"})
    assert resp.status == 200
    assert resp.getheader("Content-Encoding") == "gzip"
    assert resp.getheader("Transfer-Encoding") == "chunked"
    assert resp.getheader("Content-Length") is None
    data = json.loads(gzip.decompress(body))
    assert data["items"]
    # without Accept-Encoding: the same answer, plain, with Content-Length
    resp, body = _raw(sim, "/api/v3.1/deployments?_all_tenants=true")
    assert resp.getheader("Content-Encoding") is None
    assert int(resp.getheader("Content-Length")) == len(body) >= 1000
    # a small answer keeps Content-Length even when gzip is accepted
    resp, body = _raw(sim, "/api/v3.1/version", {"Accept-Encoding": "gzip"})
    assert resp.getheader("Content-Encoding") is None
    assert int(resp.getheader("Content-Length")) == len(body) < 1000
    # requests decodes it transparently
    r = Api(sim).get("/deployments?_all_tenants=true")
    assert r.headers["Content-Encoding"] == "gzip" and r.json()["items"]


def test_gzip_only_for_200_403_404_and_never_for_archives(make_simulator: Any) -> None:
    sim = make_simulator(profile="7.1.0", snapshot_size=200_000)
    api = Api(sim)
    created = make_snapshot(api, "snapB", legacy=True)
    assert len(created.content) >= 1000 and "Content-Encoding" not in created.headers  # 201: nginx skips it
    resp, body = _raw(sim, "/api/v3.1/snapshots/snapB/archive", {"Accept-Encoding": "gzip"})
    assert resp.status == 200 and resp.getheader("Content-Type") == "application/octet-stream"
    assert int(resp.getheader("Content-Length")) == len(body) > 100_000
    assert resp.getheader("Content-Encoding") is None
    # HEAD of a large JSON: gzip headers, neither Content-Length nor a body
    resp, body = _raw(sim, "/api/v3.1/deployments?_all_tenants=true", {"Accept-Encoding": "gzip"}, "HEAD")
    assert resp.getheader("Content-Encoding") == "gzip" and resp.getheader("Content-Length") is None
    assert body == b""


def test_gzip_can_be_switched_off(make_simulator: Any) -> None:
    sim = make_simulator(profile="7.1.0", nginx_gzip=False)
    resp, body = _raw(sim, "/api/v3.1/deployments?_all_tenants=true", {"Accept-Encoding": "gzip"})
    assert resp.getheader("Content-Encoding") is None and int(resp.getheader("Content-Length")) == len(body)


def test_leaky_bucket_matches_nginx_semantics() -> None:
    lim = RateLimiter(10, 30, 20)
    t = 100.0
    waits = [lim.admit("a", t) for _ in range(35)]
    # from idle: the first request plus 20 more pass at once, the next 10 are delayed 0.1 s apart,
    # the rest of the same instant are rejected
    assert waits[:21] == [0.0] * 21
    assert waits[21:31] == [round(0.1 * i, 1) for i in range(1, 11)]
    assert waits[31:] == [None] * 4
    assert lim.admit("b", t) == 0.0  # per client address
    # 1 s later the bucket has drained 10 requests
    assert lim.admit("a", t + 1.0) == 0.1
    lim2 = RateLimiter(10, 30, 20)
    for _ in range(31):
        lim2.admit("a", t)
    assert lim2.admit("a", t + 0.05) is None
    assert lim2.admit("a", t + 0.1) is not None  # one slot drained after 0.1 s
    # the port-80 server's zone use without burst
    lim3 = RateLimiter(10, 30, 20)
    assert lim3.admit("c", t, burst0=True) == 0.0
    assert lim3.admit("c", t, burst0=True) is None
    assert lim3.admit("c", t + 0.1, burst0=True) == 0.0


def test_rate_limit_over_the_socket_answers_nginx_503(make_simulator: Any) -> None:
    sim = make_simulator(profile="7.1.0", rate_limit=True)
    results: list[tuple[int, str, str, float]] = []
    lock = threading.Lock()
    barrier = threading.Barrier(45)

    def one() -> None:
        s = requests.Session()
        s.auth = ("admin", "admin")
        barrier.wait()
        t0 = time.monotonic()
        r = s.get(f"{sim.url}/api/v3.1/version", timeout=20)
        with lock:
            results.append((r.status_code, r.headers.get("Content-Type", ""), r.text, time.monotonic() - t0))

    threads = [threading.Thread(target=one) for _ in range(45)]
    for th in threads:
        th.start()
    for th in threads:
        th.join()
    statuses = [r[0] for r in results]
    rejected = [r for r in results if r[0] == 503]
    assert statuses.count(200) >= 31 and len(rejected) >= 5, statuses
    assert all(r[1] == "text/html" and "503 Service Temporarily Unavailable" in r[2] for r in rejected)
    assert max(r[3] for r in results if r[0] == 200) >= 0.5  # the delayed ones waited their turn
    # an Execution-Token request is never limited
    r = requests.get(f"{sim.url}/api/v3.1/version", headers={"Execution-Token": "x"}, auth=("admin", "admin"))
    assert r.status_code == 200
    assert sim.state()["requests"]["by_route"].get("503 (rate limit)", 0) == len(rejected)


def test_rate_limit_is_off_by_default(make_simulator: Any) -> None:
    sim = make_simulator(profile="7.1.0")
    s = requests.Session()
    s.auth = ("admin", "admin")
    assert all(s.get(f"{sim.url}/api/v3.1/version", timeout=5).status_code == 200 for _ in range(60))


def test_port_80_answers_ssl_required_and_plain_http_on_https_port_gets_html_400(
    make_simulator: Any, sim_tls: SimTls
) -> None:
    sim = make_simulator(profile="7.1.0", tls_cert=str(sim_tls.cert), tls_key=str(sim_tls.key), http_port=0)
    assert sim.http_url is not None
    r = requests.get(f"{sim.http_url}/api/v3.1/version", auth=("admin", "admin"), timeout=5)
    assert r.status_code == 400
    assert r.headers["Content-Type"] == "application/octet-stream"
    assert r.json() == {
        "message": "SSL must be used for API access on SSL-enabled managers.",
        "error_code": "SSL_REQUIRED",
    }
    r = requests.get(f"{sim.http_url}/console", allow_redirects=False, timeout=5)
    assert r.status_code == 308 and r.headers["Location"].startswith("https://")
    # plain http to the https port
    plain = sim.url.replace("https://", "http://")
    r = requests.get(f"{plain}/api/v3.1/version", timeout=5)
    assert r.status_code == 400 and r.headers["Content-Type"] == "text/html"
    assert "The plain HTTP request was sent to HTTPS port" in r.text
    # and https still works, with HSTS, on the same port
    r = requests.get(f"{sim.url}/api/v3.1/version", auth=("admin", "admin"), verify=str(sim_tls.ca))
    assert r.status_code == 200 and "max-age=31536000" in r.headers["Strict-Transport-Security"]


def test_tls_client_that_rejects_the_certificate_only_loses_its_connection(
    make_simulator: Any, sim_tls: SimTls
) -> None:
    sim = make_simulator(profile="7.1.0", tls_cert=str(sim_tls.cert), tls_key=str(sim_tls.key))
    ctx = ssl.create_default_context()  # does not trust the test CA
    raw = socket.create_connection((sim.host, sim.port), timeout=5)
    try:
        ctx.wrap_socket(raw, server_hostname="127.0.0.1")
        raise AssertionError("handshake should fail")
    except ssl.SSLError:
        pass
    finally:
        raw.close()
    r = requests.get(f"{sim.url}/api/v3.1/version", auth=("admin", "admin"), verify=str(sim_tls.ca))
    assert r.status_code == 200


def test_http_port_needs_https() -> None:
    from wizard.simulator import SimulatorConfig

    try:
        SimulatorConfig(http_port=0).validate()
        raise AssertionError("expected ValueError")
    except ValueError as exc:
        assert "https" in str(exc)


def test_archive_download_headers_as_nginx_serves_a_file(make_simulator: Any) -> None:
    sim = make_simulator(profile="7.1.0")
    api = Api(sim)
    make_snapshot(api, "snapR", legacy=True)
    head = api.session.head(f"{api.base}/snapshots/snapR/archive", timeout=10)
    size = int(head.headers["Content-Length"])
    assert head.headers["Accept-Ranges"] == "bytes" and head.headers["ETag"].startswith('"')
    assert head.headers["Last-Modified"].endswith("GMT")
    part = api.get("/snapshots/snapR/archive", headers={"Range": "bytes=100-199"})
    assert part.status_code == 206 and part.headers["Content-Range"] == f"bytes 100-199/{size}"
    assert "Accept-Ranges" not in part.headers and len(part.content) == 100
    bad = api.get("/snapshots/snapR/archive", headers={"Range": f"bytes={size + 10}-"})
    assert bad.status_code == 416 and bad.headers["Content-Range"] == f"bytes */{size}"
    assert "416 Requested Range Not Satisfiable" in bad.text and bad.headers["Content-Type"] == "text/html"
