"""Client hardening rows (issues 12, 14, 16): nginx in front of a real manager, its rate limit,
non-ASCII credentials, time limits and Ctrl-C, credentials in URLs, bodies cut short.

Every row talks to a scripted fake server (tests/faults/fake_server.py) over a real socket on
127.0.0.1 and checks the clear error, or the success, the user gets.
"""

from __future__ import annotations

import base64
import socket
import threading
import time
from collections.abc import Callable

import pytest

from tests.faults.fake_server import (
    NGINX_LIMIT_503,
    NGINX_PLAIN_TO_HTTPS,
    SSL_REQUIRED,
    VERSION,
    FakeServer,
    Limiter,
    Request,
    answer,
    answer_gzip_chunked,
    answer_json,
    serving,
)
from wizard.cloudify import errors
from wizard.cloudify.client import ManagerClient
from wizard.cloudify.endpoint import Credentials, Endpoint, EndpointError
from wizard.cloudify.guard import Pace

PASSWORD = "S3cret-Xyz"
EXECUTION = {"id": "e1", "workflow_id": "install_new_agents", "status": "pending", "deployment_id": "d1"}
DEPLOYMENTS = {
    "items": [
        {"id": f"dep-{i:04d}", "tenant_name": "default_tenant", "blueprint_id": "bp"} for i in range(200)
    ],
    "metadata": {"pagination": {"total": 200, "size": 1000, "offset": 0}},
}


def client_for(server: FakeServer | str, *, password: str = PASSWORD, tenant: str = "default_tenant",
               **kwargs: object) -> ManagerClient:
    """A client with test-sized time limits and pacing off unless asked."""
    kwargs.setdefault("retries", 2)
    kwargs.setdefault("backoff", 0.01)
    kwargs.setdefault("timeout", (1.0, 2.0))
    kwargs.setdefault("pace", None)
    url = server if isinstance(server, str) else server.url
    return ManagerClient(Endpoint.parse(url), Credentials("admin", password, tenant), **kwargs)  # type: ignore[arg-type]


def assert_no_secret(error: BaseException, secret: str = PASSWORD) -> None:
    """Neither the text, the hint nor the repr of an error holds the secret."""
    for text in (str(error), repr(error), getattr(error, "hint", ""), getattr(error, "url", "")):
        assert secret not in text, text


# -- nginx in front of the manager (issue 12) ---------------------------------------------------
def test_http_on_port_80_of_an_ssl_manager_says_use_https() -> None:
    with (
        serving(lambda r, s: answer_json(s, 400, SSL_REQUIRED, reason="Bad Request")) as server,
        pytest.raises(errors.HTTPSRequiredError) as info,
    ):
        client_for(server).version()
    text = str(info.value)
    assert "this manager requires https: use https://127.0.0.1" in text
    assert "health" not in text.lower()
    assert len(server.requests) == 1  # not retried: it will not change


def test_http_to_the_https_port_says_use_https() -> None:
    def handler(_r: Request, s: socket.socket) -> None:
        answer(s, 400, NGINX_PLAIN_TO_HTTPS, reason="Bad Request", content_type="text/html")

    with serving(handler) as server, pytest.raises(errors.HTTPSRequiredError) as info:
        client_for(server).status()
    assert "this manager requires https: use https://127.0.0.1" in str(info.value)


def test_gzip_chunked_json_without_content_length_is_read() -> None:
    with serving(lambda r, s: answer_gzip_chunked(s, DEPLOYMENTS)) as server:
        deps = list(client_for(server).deployments(with_installation_status=False))
    assert [d.id for d in deps] == [f"dep-{i:04d}" for i in range(200)]
    assert "gzip" in server.requests[0].headers.get("accept-encoding", "")


def test_gzip_chunked_json_cut_mid_chunk_is_a_transport_error_retried_for_get() -> None:
    with (
        serving(lambda r, s: answer_gzip_chunked(s, DEPLOYMENTS, cut_at=500)) as server,
        pytest.raises(errors.TransportError) as info,
    ):
        list(client_for(server, retries=2).deployments(with_installation_status=False))
    assert isinstance(info.value, errors.ConnectionDroppedError)
    assert not isinstance(info.value, errors.ProtocolError)
    assert len(server.requests) == 3  # the first try and two more: a GET is safe to repeat


def test_json_cut_short_with_content_length_is_a_connection_error_and_get_retries() -> None:
    served = []

    def handler(_r: Request, s: socket.socket) -> None:
        served.append(1)
        body = b'{"items": [{"id": "bp1", "tenant_name": "t"}], "metadata": {"pagination": {"total": 1}}}'
        if len(served) == 1:
            answer(s, 200, body[:30], length=len(body))
            s.shutdown(socket.SHUT_RDWR)
        else:
            answer(s, 200, body)

    with serving(handler) as server:
        assert [b.id for b in client_for(server).blueprints()] == ["bp1"]
    assert len(served) == 2


def test_json_cut_short_on_a_post_is_a_connection_error_not_retried() -> None:
    def handler(_r: Request, s: socket.socket) -> None:
        answer(s, 201, b'{"id": "e1", "stat', length=200)
        s.shutdown(socket.SHUT_RDWR)

    with serving(handler) as server, pytest.raises(errors.ConnectionDroppedError):
        client_for(server).start_execution("d1", "install_new_agents")
    assert len(server.requests) == 1


def test_connection_dropped_before_the_headers_is_retried_retries_times_not_squared() -> None:
    def handler(_r: Request, s: socket.socket) -> None:
        s.shutdown(socket.SHUT_RDWR)

    with serving(handler) as server, pytest.raises(errors.ConnectionDroppedError):
        client_for(server, retries=3).version()
    assert len(server.requests) == 4


# -- the rate limit (issues 12, 16) -----------------------------------------------------------------
@pytest.mark.parametrize("method", ["POST", "PUT", "DELETE"])
def test_limiter_503_is_retried_for_every_method(method: str) -> None:
    calls: list[str] = []

    def handler(r: Request, s: socket.socket) -> None:
        calls.append(r.method)
        if len(calls) == 1:
            answer(s, 503, NGINX_LIMIT_503, reason="Service Temporarily Unavailable",
                   content_type="text/html")
        elif r.method == "DELETE":
            answer_json(s, 200, {"id": "s1"})
        else:
            answer_json(s, 201, EXECUTION)

    with serving(handler) as server:
        client = client_for(server)
        if method == "POST":
            assert client.start_execution("d1", "install_new_agents").id == "e1"
        elif method == "PUT":
            assert client.create_snapshot("s1").id == "e1"
        else:
            client.delete_snapshot("s1")
    assert calls == [method, method]


def test_limiter_retry_after_is_respected() -> None:
    calls: list[float] = []

    def handler(_r: Request, s: socket.socket) -> None:
        calls.append(time.monotonic())
        if len(calls) == 1:
            answer(s, 503, NGINX_LIMIT_503, content_type="text/html", headers={"Retry-After": "1"})
        else:
            answer_json(s, 201, EXECUTION)

    with serving(handler) as server:
        client_for(server).start_execution("d1", "install_new_agents")
    assert len(calls) == 2
    assert calls[1] - calls[0] >= 0.9


def test_429_is_retried_for_a_post_after_its_retry_after() -> None:
    calls: list[float] = []

    def handler(_r: Request, s: socket.socket) -> None:
        calls.append(time.monotonic())
        if len(calls) == 1:
            answer(s, 429, b"<html>429 Too Many Requests</html>", content_type="text/html",
                   headers={"Retry-After": "0"})
        else:
            answer_json(s, 201, EXECUTION)

    with serving(handler) as server:
        client_for(server, backoff=0.2).start_execution("d1", "install_new_agents")
    assert len(calls) == 2
    assert calls[1] - calls[0] < 1.0


def test_limiter_first_retry_waits_the_backoff() -> None:
    calls: list[float] = []

    def handler(_r: Request, s: socket.socket) -> None:
        calls.append(time.monotonic())
        if len(calls) == 1:
            answer(s, 503, NGINX_LIMIT_503, content_type="text/html")
        else:
            answer_json(s, 201, EXECUTION)

    with serving(handler) as server:
        client_for(server, backoff=0.3).start_execution("d1", "install_new_agents")
    assert calls[1] - calls[0] >= 0.28


def test_json_503_on_a_post_is_not_retried() -> None:
    body = {"message": "Your request was rejected since Cloudify manager is currently in maintenance mode",
            "error_code": "maintenance_mode_active", "server_traceback": None}
    with (
        serving(lambda r, s: answer_json(s, 503, body)) as server,
        pytest.raises(errors.MaintenanceModeError),
    ):
        client_for(server).start_execution("d1", "install_new_agents")
    assert len(server.requests) == 1


def test_limiter_that_never_lets_go_is_a_clear_rate_limit_error() -> None:
    def handler(_r: Request, s: socket.socket) -> None:
        answer(s, 503, NGINX_LIMIT_503, content_type="text/html")

    with serving(handler) as server, pytest.raises(errors.RateLimitedError) as info:
        client_for(server, retries=2).start_execution("d1", "install_new_agents")
    assert "rate limit" in str(info.value)
    assert len(server.requests) == 3


def test_pace_keeps_parallel_requests_under_the_limit() -> None:
    """8 threads and a with_credentials copy share one pace: the server's limiter (rate 40/s,
    burst 12) never refuses, and the throughput is the pace's."""
    limiter = Limiter(rate=40.0, burst=12)

    def handler(_r: Request, s: socket.socket) -> None:
        if limiter.allow():
            answer_json(s, 200, VERSION)
        else:
            answer(s, 503, NGINX_LIMIT_503, content_type="text/html")

    with serving(handler) as server:
        client = client_for(server, pace=Pace(rate=30.0, burst=10), retries=0)
        other = client.with_credentials(Credentials("admin", "other", "default_tenant"))
        failures: list[BaseException] = []

        def work(c: ManagerClient) -> None:
            for _ in range(8):
                try:
                    c.version()
                except errors.CloudifyError as exc:
                    failures.append(exc)

        started = time.monotonic()
        threads = [threading.Thread(target=work, args=(client if i % 2 else other,)) for i in range(8)]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
        seconds = time.monotonic() - started
    assert failures == []
    assert limiter.refused == 0
    # 64 requests, 10 at once then 30/s: about 1.8 s
    assert 1.4 <= seconds <= 4.0, seconds


def test_default_pace_is_below_the_real_nginx_limit() -> None:
    pace = ManagerClient(Endpoint.parse("https://127.0.0.1"), Credentials("admin", "x")).pace
    assert pace is not None and pace.enabled
    assert 8 <= pace.rate < 10 and pace.burst < 30  # limit_req: rate 10 r/s, burst 30
    assert not Pace(rate=0).enabled
    assert client_for("http://127.0.0.1:1", pace=Pace(rate=0))._bucket is None


def test_waiting_for_the_pace_is_cancellable() -> None:
    cancel = threading.Event()
    with serving(lambda r, s: answer_json(s, 200, VERSION)) as server:
        client = client_for(server, pace=Pace(rate=0.05, burst=1), cancel=cancel)
        client.version()
        threading.Timer(0.3, cancel.set).start()
        started = time.monotonic()
        with pytest.raises(errors.RequestCancelledError):
            client.version()
        assert time.monotonic() - started < 1.5
    assert len(server.requests) == 1


# -- non-ASCII credentials (issue 14) ----------------------------------------------------------------
def _basic(request: Request) -> bytes:
    value = request.headers["authorization"]
    assert value.startswith("Basic ")
    return base64.b64decode(value[6:])


@pytest.mark.parametrize("password", ["pässwörd", "pa€s", "パスワード"])
def test_non_ascii_password_is_sent_as_utf8(password: str) -> None:
    with serving(lambda r, s: answer_json(s, 200, VERSION)) as server:
        client_for(server, password=password).version()
    assert _basic(server.requests[0]) == f"admin:{password}".encode()


def test_non_ascii_tenant_is_a_clear_error_before_anything_is_sent() -> None:
    with (
        serving(lambda r, s: answer_json(s, 200, VERSION)) as server,
        pytest.raises(errors.InvalidNameError) as info,
    ):
        client_for(server, password="pa€s", tenant="テナント").version()
    text = str(info.value)
    assert "テナント" in text and "ASCII" in text
    assert "position" not in text and "codec" not in text
    assert_no_secret(info.value, "pa€s")
    assert server.requests == []


# -- time limits and Ctrl-C (issue 14) -------------------------------------------------------------
def _trickle(_r: Request, s: socket.socket) -> None:
    for byte in b"HTTP/1.1 200 OK\r\nContent-Type: application/json\r\n":
        s.sendall(bytes([byte]))
        time.sleep(0.2)


def _silent(_r: Request, s: socket.socket) -> None:
    time.sleep(30)


def test_trickled_headers_hit_the_overall_deadline() -> None:
    """One byte every 0.2 s never trips a 1 s read timeout; the 1.5 s deadline stops it."""
    with serving(_trickle) as server:
        started = time.monotonic()
        with pytest.raises(errors.RequestTimeoutError) as info:
            client_for(server, timeout=(1.0, 1.0), deadline=1.5).version()
        seconds = time.monotonic() - started
    assert "within 1.5 s" in str(info.value)
    assert 1.4 <= seconds <= 2.5, seconds


def test_silent_server_is_reported_after_two_read_timeouts_at_most() -> None:
    """A read timeout is retried once for a GET and never for a POST, whatever `retries` says:
    a silent server costs two read timeouts (one for a POST), not one per retry."""
    with serving(_silent) as server:
        started = time.monotonic()
        with pytest.raises(errors.RequestTimeoutError) as info:
            client_for(server, timeout=(1.0, 0.5), retries=4).version()
        seconds = time.monotonic() - started
        assert "did not answer GET /api/v3.1/version within 0.5 s" in str(info.value)
        assert 0.9 <= seconds < 1.8, seconds
        assert len(server.requests) == 2
        started = time.monotonic()
        with pytest.raises(errors.RequestTimeoutError):
            client_for(server, timeout=(1.0, 0.5), retries=4).start_execution("d1", "install_new_agents")
        assert time.monotonic() - started < 1.2
        assert len(server.requests) == 3


def _stop_after(delay: float, how: str, cancel: threading.Event) -> None:
    if how == "event":
        threading.Timer(delay, cancel.set).start()
    else:
        import _thread

        threading.Timer(delay, _thread.interrupt_main).start()


@pytest.mark.parametrize("how", ["event", "ctrl-c"])
def test_stalled_request_stops_within_two_seconds(how: str) -> None:
    cancel = threading.Event()
    with serving(_silent) as server:
        client = client_for(server, timeout=(1.0, 60.0), deadline=None, cancel=cancel)
        _stop_after(0.3, how, cancel)
        started = time.monotonic()
        expected: type[BaseException] = errors.RequestCancelledError if how == "event" else KeyboardInterrupt
        with pytest.raises(expected):
            client.version()
        seconds = time.monotonic() - started
        assert seconds < 2.0, seconds
        assert server.closed_by_peer.wait(2.0)  # the socket was really closed


def test_stalled_connect_stops_within_two_seconds_on_cancel() -> None:
    """A listener whose queue is full drops the SYN: connect() hangs for the connect timeout."""
    server = FakeServer(_silent, backlog=0, accept=False)
    filler = socket.create_connection(("127.0.0.1", server.port))
    cancel = threading.Event()
    try:
        client = client_for(server, timeout=(30.0, 30.0), cancel=cancel, retries=0)
        threading.Timer(0.3, cancel.set).start()
        started = time.monotonic()
        with pytest.raises(errors.RequestCancelledError):
            client.version()
        assert time.monotonic() - started < 2.0
    finally:
        filler.close()
        server.close()


def test_retry_after_wait_is_cancellable() -> None:
    cancel = threading.Event()

    def handler(_r: Request, s: socket.socket) -> None:
        answer(s, 503, NGINX_LIMIT_503, content_type="text/html", headers={"Retry-After": "20"})

    with serving(handler) as server:
        client = client_for(server, cancel=cancel, retries=3)
        threading.Timer(0.3, cancel.set).start()
        started = time.monotonic()
        with pytest.raises(errors.RequestCancelledError):
            client.start_execution("d1", "install_new_agents")
        assert time.monotonic() - started < 2.0
        time.sleep(0.3)
    assert len(server.requests) == 1  # the abandoned wait never sends another attempt


def test_stalled_download_stops_within_two_seconds(tmp_path: object) -> None:
    from pathlib import Path

    def handler(_r: Request, s: socket.socket) -> None:
        s.sendall(b"HTTP/1.1 200 OK\r\nContent-Type: application/zip\r\nContent-Length: 100000\r\n\r\n")
        s.sendall(b"x" * 1000)
        time.sleep(30)

    cancel = threading.Event()
    with serving(handler) as server:
        client = client_for(server, timeout=(1.0, 60.0))
        threading.Timer(0.5, cancel.set).start()
        started = time.monotonic()
        with pytest.raises(errors.TransferCancelledError) as info:
            client.download_snapshot("s1", Path(str(tmp_path)) / "a.zip", cancel=cancel)
        assert time.monotonic() - started < 2.0
    assert info.value.done == 1000


def test_stalled_download_body_is_cut_and_resumed(tmp_path: object, monkeypatch: pytest.MonkeyPatch) -> None:
    """A body that stops progressing (1 MiB chunks must keep coming) is shut down and resumed with
    a Range request; when it keeps stalling, a clear connection error instead of a hang."""
    from pathlib import Path

    from wizard.cloudify import guard

    monkeypatch.setattr(guard, "MIN_CHUNK_LIMIT", 0.0)

    def handler(r: Request, s: socket.socket) -> None:
        s.sendall(b"HTTP/1.1 200 OK\r\nContent-Type: application/zip\r\nContent-Length: 3000000\r\n\r\n")
        s.sendall(b"x" * 1000)
        for _ in range(100):
            s.sendall(b"x")
            time.sleep(0.1)

    with serving(handler) as server:
        client = client_for(server, timeout=(1.0, 5.0), deadline=0.8)
        started = time.monotonic()
        with pytest.raises(errors.ConnectionDroppedError):
            client.download_snapshot("s1", Path(str(tmp_path)) / "a.zip", max_resumes=1)
        assert time.monotonic() - started < 6.0
    assert len(server.requests) == 2
    assert "range" not in server.requests[0].headers
    assert server.requests[1].headers.get("range", "").startswith("bytes=")


def test_upload_answer_trickled_after_the_body_hits_its_deadline(
    tmp_path: object, monkeypatch: pytest.MonkeyPatch
) -> None:
    from pathlib import Path

    from wizard.cloudify import snapshots

    monkeypatch.setattr(snapshots, "UPLOAD_ANSWER_TIMEOUT", 1.0)
    archive = Path(str(tmp_path)) / "a.zip"
    archive.write_bytes(b"z" * 300_000)
    with serving(_trickle) as server:
        started = time.monotonic()
        with pytest.raises(errors.RequestTimeoutError) as info:
            client_for(server, timeout=(1.0, 1.0)).upload_snapshot("s1", archive)
        assert time.monotonic() - started < 2.5
    assert "within 1 s" in str(info.value)
    assert len(server.requests[0].body) == 300_000


def test_upload_stalled_while_sending_stops_within_two_seconds_on_cancel(tmp_path: object) -> None:
    """The manager accepts the connection and never reads: sending blocks once the socket buffers
    are full; the cancel shuts the socket down."""
    from pathlib import Path

    archive = Path(str(tmp_path)) / "big.zip"
    archive.write_bytes(b"z" * 40_000_000)
    server = FakeServer(_silent, accept=False)
    cancel = threading.Event()
    try:
        client = client_for(server, timeout=(30.0, 30.0), retries=0)
        threading.Timer(0.5, cancel.set).start()
        started = time.monotonic()
        with pytest.raises(errors.TransferCancelledError):
            client.upload_snapshot("s1", archive, cancel=cancel)
        assert time.monotonic() - started < 2.0
    finally:
        server.close()


# -- credentials in URLs (issue 14) -------------------------------------------------------------------
@pytest.mark.parametrize(
    "url",
    [
        "http://admin:S3cret-Xyz@host:99999",
        "http://admin:S3cret-Xyz@host:8080/api/v3.1",
        "ftp://admin:S3cret-Xyz@host",
        "admin:S3cret-Xyz@10.0.0.5",
        "https://admin:S3cret-Xyz/with-slash@10.0.0.5",
    ],
)
def test_url_with_credentials_is_refused_without_echoing_them(url: str) -> None:
    with pytest.raises(EndpointError) as info:
        Endpoint.parse(url)
    text = str(info.value)
    assert "S3cret-Xyz" not in text
    assert "admin:" not in text
    assert "--old-user" in text and "password" in text


def test_transport_errors_never_hold_the_password() -> None:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    client = client_for(f"http://127.0.0.1:{port}", retries=0)
    with pytest.raises(errors.ConnectionFailedError) as info:
        client.version()
    assert_no_secret(info.value)
    assert "@" not in str(info.value)


MakeServer = Callable[..., FakeServer]
