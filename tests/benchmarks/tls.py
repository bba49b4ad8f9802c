"""Benchmark 6: snapshot transfers over TLS through an nginx front like a real manager's.

Real managers only speak https, through nginx 1.22. This group starts its own nginx (Debian's
/usr/sbin/nginx) on 127.0.0.61 as a child process (`daemon off;`, its pid/log/temp paths in a temp
dir) with a test CA and server certificate generated here by the `openssl` CLI, in front of a
`cfy-migrate simulate` process on 127.0.0.62 (plain http, `--no-gzip`: nginx compresses JSON).

The nginx settings are those of a real manager's rendered config (see ../shared/realstack/up.sh,
which follows cfy_manager's templates): TLSv1.2 with the manager's cipher list, `listen ... ssl
http2`, `client_max_body_size 0m`, the rest location's `proxy_pass` with nginx's default
buffering (request bodies are buffered to client_body_temp_path before the REST service sees
them, responses through proxy buffers), gzip of JSON >= 1000 bytes, `limit_req` 10 r/s burst 30
delay 20 per client address, the security headers.

Downloads: a real manager's REST service answers the archive GET with an X-Accel-Redirect to an
internal location that nginx serves from disk. The simulator cannot send that header, so nginx
does the same two steps itself: an `auth_request` subrequest to the simulator's `GET
/snapshots/<id>` (authentication, tenant, existence), then the file straight from the
simulator's data dir (`alias`), with the archive headers the REST service sets. Uploads are
proxied to the simulator like every other /api/ request.

Peers, each a fresh process per run, interleaved in a rotating order:
- `curl` with --cacert (transfer time from its time_total);
- `curl` + `sha256sum` (downloads only: we hash every byte we download, so this is the honest
  peer; its time is curl's time_total plus the sha256sum process's wall time; our upload does not
  hash, so uploads have no such peer);
- the official `cfy` CLI, its profile made with `--ssl --rest-certificate <ca>` (process time).
"""

from __future__ import annotations

import contextlib
import os
import shutil
import signal
import socket
import subprocess
import tempfile
import time
from collections import defaultdict
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

from wizard.cloudify.client import ManagerClient
from wizard.cloudify.endpoint import Credentials, Endpoint

from .common import (
    GIB,
    MIB,
    PASSWORD,
    PYTHON,
    ROOT,
    Measured,
    Table,
    cfy_env,
    fmt,
    median,
    process_cpu,
    run_measured,
    simulator_process,
    size_label,
)
from .transfers import SNAPSHOT, Sample, _check, _driver_figures, _wait_created

NGINX = "/usr/sbin/nginx"
FRONT_HOST = "127.0.0.61"
SIM_HOST = "127.0.0.62"
TOOLS = ("curl", "curl-h1", "curl+sha256", "ours", "cfy")

# the real manager's http-level TLS settings (cfy_manager's nginx.conf)
SSL_CIPHERS = (
    "HIGH:!aNULL:!MD5:!AES256-GCM-SHA384:!AES256-SHA256:!AES256-SHA:!CAMELLIA256-SHA:"
    "!ECDHE-RSA-AES256-SHA:!ECDHE-RSA-AES128-SHA:!AES128-GCM-SHA256:!AES128-SHA256:!AES128-SHA:"
    "!CAMELLIA128-SHA"
)

REST_PROXY = """\
    proxy_pass         http://cloudify-rest;
    proxy_redirect     off;
    proxy_set_header   Host              $host;
    proxy_set_header   X-Real-IP         $remote_addr;
    proxy_set_header   X-Server-Port     $server_port;
    proxy_set_header   X-Forwarded-For   $proxy_add_x_forwarded_for;
    proxy_set_header   X-Forwarded-Proto $scheme;
    proxy_hide_header  X-Cloudify-Audit-Auth-Method;
    proxy_hide_header  X-Cloudify-Audit-Tenant;
    proxy_hide_header  X-Cloudify-Audit-Username;
    gzip on;
    gzip_types application/json;
    gzip_min_length 1000;
    gzip_proxied any;
"""


# -- certificates ---------------------------------------------------------------------------------
def make_certs(directory: Path, ip: str) -> tuple[Path, Path, Path]:
    """A test CA and a server certificate for `ip` signed by it (openssl CLI); (ca, cert, key)."""
    ca_key, ca = directory / "ca.key", directory / "ca.pem"
    key, csr, cert = directory / "server.key", directory / "server.csr", directory / "server.pem"
    ext = directory / "server.ext"
    ext.write_text(
        f"subjectAltName=IP:{ip}\nbasicConstraints=critical,CA:FALSE\n"
        "keyUsage=critical,digitalSignature,keyEncipherment\nextendedKeyUsage=serverAuth\n"
        "subjectKeyIdentifier=hash\nauthorityKeyIdentifier=keyid,issuer\n"
    )

    def sh(*args: str) -> None:
        subprocess.run(["openssl", *args], check=True, capture_output=True, timeout=120)

    sh(
        "req",
        "-x509",
        "-newkey",
        "rsa:2048",
        "-nodes",
        "-keyout",
        str(ca_key),
        "-out",
        str(ca),
        "-days",
        "2",
        "-subj",
        "/CN=cfy-migrate benchmark CA",
        "-addext",
        "basicConstraints=critical,CA:TRUE",
        "-addext",
        "keyUsage=critical,keyCertSign,cRLSign",
    )
    sh("req", "-newkey", "rsa:2048", "-nodes", "-keyout", str(key), "-out", str(csr), "-subj", f"/CN={ip}")
    sh(
        "x509",
        "-req",
        "-in",
        str(csr),
        "-CA",
        str(ca),
        "-CAkey",
        str(ca_key),
        "-CAcreateserial",
        "-out",
        str(cert),
        "-days",
        "2",
        "-extfile",
        str(ext),
    )
    return ca, cert, key


# -- nginx ----------------------------------------------------------------------------------------
def free_port(host: str) -> int:
    """A TCP port free on `host` right now."""
    with socket.socket() as s:
        s.bind((host, 0))
        return int(s.getsockname()[1])


def nginx_conf(
    work: Path, port: int, upstream: str, cert: Path, key: Path, data_dir: Path, rate_limit: bool = True
) -> str:
    """The nginx.conf of the front (see the module docstring)."""
    user = "user root;\n" if os.geteuid() == 0 else ""
    limit_zone = limit_req = ""
    if rate_limit:
        limit_zone = (
            '  map $http_execution_token $no_token_limit { default $binary_remote_addr; "~.+" ""; }\n'
            "  limit_req_zone $no_token_limit zone=ratelimit:10m rate=10r/s;\n"
        )
        limit_req = "    limit_req zone=ratelimit burst=30 delay=20;\n"
    (work / "rest-proxy.conf").write_text(REST_PROXY)
    for sub in ("body", "proxy", "fcgi", "uwsgi", "scgi"):
        (work / sub).mkdir(exist_ok=True)
    archive = data_dir / "snapshots" / "default_tenant"
    return f"""{user}daemon off;
master_process on;
worker_processes 2;
pid {work}/nginx.pid;
error_log {work}/error.log warn;
events {{ worker_connections 1024; }}
http {{
  server_tokens off;
  include /etc/nginx/mime.types;
  default_type application/octet-stream;
  log_format main '$remote_addr - $remote_user [$time_local] "$request" $status '
                  '$body_bytes_sent "$http_user_agent" [$request_time sec]';
  access_log {work}/access.log main;
  client_body_temp_path {work}/body; proxy_temp_path {work}/proxy; fastcgi_temp_path {work}/fcgi;
  uwsgi_temp_path {work}/uwsgi; scgi_temp_path {work}/scgi;
  ssl_protocols TLSv1.2;
  ssl_prefer_server_ciphers on;
  ssl_ciphers {SSL_CIPHERS};
  sendfile on;
  keepalive_timeout 65;
  proxy_connect_timeout 330s; proxy_send_timeout 330s; proxy_read_timeout 330s;
  add_header Referrer-Policy same-origin always;
  add_header X-Content-Type-Options "nosniff" always;
  client_max_body_size 0m;
  types_hash_max_size 4096;
  upstream cloudify-rest {{ server {upstream}; }}
{limit_zone}
  server {{
    listen {FRONT_HOST}:{port} ssl http2;
    server_name _;
    ssl_certificate {cert};
    ssl_certificate_key {key};
    add_header Strict-Transport-Security "max-age=31536000; includeSubDomains" always;
{limit_req}
    # the archive: what the REST service's X-Accel-Redirect makes nginx do (module docstring)
    location ~ ^/api/v3\\.1/snapshots/(?<sid>[^/]+)/archive$ {{
      if ($request_method = PUT) {{ rewrite ^ /_rest$uri last; }}
      auth_request /_archive_auth;
      alias {archive}/$sid/$sid.zip;
      types {{ }}
      default_type application/octet-stream;
      add_header Content-Disposition 'attachment; filename="$sid.zip"';
      add_header Cache-Control no-cache;
      add_header Strict-Transport-Security "max-age=31536000; includeSubDomains" always;
    }}
    location = /_archive_auth {{
      internal;
      proxy_pass http://cloudify-rest/api/v3.1/snapshots/$sid;
      proxy_pass_request_body off;
      proxy_set_header Content-Length "";
    }}
    location /_rest/ {{
      internal;
      rewrite ^/_rest(/.*)$ $1 break;
      include {work}/rest-proxy.conf;
    }}
    location /api/ {{
      include {work}/rest-proxy.conf;
    }}
    location /api {{ return 404; }}
  }}
}}
"""


@dataclass
class Front:
    """The running nginx: its https base URL, CA bundle and master process."""

    url: str
    host: str
    port: int
    ca: Path
    proc: subprocess.Popen[bytes]
    work: Path

    def cpu(self) -> float:
        """CPU seconds of the master and its workers so far."""
        total = process_cpu(self.proc.pid)
        for child in _children(self.proc.pid):
            total += process_cpu(child)
        return total


def _children(pid: int) -> list[int]:
    try:
        text = Path(f"/proc/{pid}/task/{pid}/children").read_text()
    except OSError:
        return []
    return [int(x) for x in text.split()]


@contextlib.contextmanager
def nginx_front(upstream: str, data_dir: Path, work: Path, rate_limit: bool = True) -> Iterator[Front]:
    """Start nginx (a non-daemon child) in front of `upstream`; stopped (SIGTERM, then SIGKILL) on exit."""
    work.mkdir(parents=True, exist_ok=True)
    ca, cert, key = make_certs(work, FRONT_HOST)
    port = free_port(FRONT_HOST)
    conf = work / "nginx.conf"
    conf.write_text(nginx_conf(work, port, upstream, cert, key, data_dir, rate_limit))
    test = subprocess.run([NGINX, "-t", "-p", str(work), "-c", str(conf)], capture_output=True, text=True)
    if test.returncode != 0:
        raise RuntimeError(f"nginx -t failed: {test.stderr}")
    log = open(work / "nginx.stderr", "wb")  # noqa: SIM115 (closed below)
    proc = subprocess.Popen(
        [NGINX, "-p", str(work), "-c", str(conf)], stdout=log, stderr=log, stdin=subprocess.DEVNULL
    )
    try:
        deadline = time.monotonic() + 20
        while True:
            with contextlib.suppress(OSError), socket.create_connection((FRONT_HOST, port), 0.5):
                break
            if proc.poll() is not None or time.monotonic() > deadline:
                raise RuntimeError(f"nginx did not start: {(work / 'nginx.stderr').read_text()[-2000:]}")
            time.sleep(0.05)
        yield Front(f"https://{FRONT_HOST}:{port}", FRONT_HOST, port, ca, proc, work)
    finally:
        if proc.poll() is None:
            proc.send_signal(signal.SIGTERM)
            try:
                proc.wait(15)
            except subprocess.TimeoutExpired:
                proc.kill()
                proc.wait(5)
        log.close()


# -- the runs -------------------------------------------------------------------------------------
@dataclass
class TlsResults:
    """Everything measured, keyed by (direction, size, tool)."""

    samples: dict[tuple[str, int, str], list[Sample]] = field(default_factory=lambda: defaultdict(list))
    notes: list[str] = field(default_factory=list)
    sizes: list[int] = field(default_factory=list)
    scratch: str = ""
    protocols: dict[str, str] = field(default_factory=dict)
    checks: list[str] = field(default_factory=list)

    def med(self, direction: str, size: int, tool: str, attr: str) -> float:
        """Median of one attribute."""
        return median([getattr(s, attr) for s in self.samples.get((direction, size, tool), [])])

    def mibps(self, direction: str, size: int, tool: str, attr: str) -> float:
        """Throughput in MiB/s from the median seconds of `attr`."""
        seconds = self.med(direction, size, tool, attr)
        return size / MIB / seconds if seconds == seconds and seconds > 0 else float("nan")


class _Runner:
    def __init__(self, front: Front, cfy: Path | None, home: Path) -> None:
        self.front = front
        self.cfy = cfy
        self.home = home
        self.api = f"{front.url}/api/v3.1"
        self.driver_env = dict(
            os.environ, BENCH_PASSWORD=PASSWORD, BENCH_CA_CERT=str(front.ca), PYTHONPATH=str(ROOT)
        )

    def _curl(self, *args: str, http1: bool = False) -> list[str]:
        return [
            "curl",
            *(["--http1.1"] if http1 else []),
            "-sS",
            "--fail",
            "--cacert",
            str(self.front.ca),
            "-u",
            f"admin:{PASSWORD}",
            "-H",
            "Tenant: default_tenant",
            "-w",
            "%{time_total} %{http_code} %{http_version}",
            *args,
        ]

    def _ours(self, *args: str) -> tuple[Measured, float]:
        m = run_measured(
            [PYTHON, "-m", "tests.benchmarks.transfer_driver", *args], env=self.driver_env, cwd=ROOT
        )
        _check(m, "ours")
        return _driver_figures(m)

    def download(self, tool: str, dest: Path) -> tuple[Measured, float, str]:
        """One download: process figures, the tool's own transfer seconds, the sha256 (or '')."""
        url = f"{self.api}/snapshots/{SNAPSHOT}/archive"
        if tool in ("curl", "curl-h1", "curl+sha256"):
            m = run_measured(self._curl("-o", str(dest), url, http1=tool == "curl-h1"))
            _check(m, tool)
            seconds, _, proto = m.stdout.split()[:3]
            self_proto = f"HTTP/{proto}"
            if tool in ("curl", "curl-h1"):
                return m, float(seconds), self_proto
            h = run_measured(["sha256sum", str(dest)])
            _check(h, "sha256sum")
            both = Measured(
                wall=m.wall + h.wall,
                cpu=m.cpu + h.cpu,
                rss_mib=max(m.rss_mib, h.rss_mib),
                rc=0,
                stdout=h.stdout,
                stderr="",
            )
            return both, float(seconds) + h.wall, h.stdout.split()[0]
        if tool == "ours":
            m, seconds = self._ours("download", self.front.url, SNAPSHOT, str(dest))
            import json

            return m, seconds, str(json.loads(m.stdout.strip().splitlines()[-1])["sha256"])
        assert self.cfy is not None
        m = run_measured(
            [str(self.cfy), "snapshots", "download", SNAPSHOT, "-o", str(dest)],
            env=cfy_env(self.home),
            cwd=self.home,
        )
        _check(m, tool)
        return m, float("nan"), ""

    def upload(self, tool: str, source: Path, snapshot_id: str) -> tuple[Measured, float]:
        """One upload as `snapshot_id`."""
        url = f"{self.api}/snapshots/{snapshot_id}/archive"
        if tool in ("curl", "curl-h1"):
            m = run_measured(
                self._curl(
                    "-H",
                    "Content-Type: application/octet-stream",
                    "-H",
                    "Expect:",
                    "--upload-file",
                    str(source),
                    "-o",
                    os.devnull,
                    url,
                    http1=tool == "curl-h1",
                )
            )
            _check(m, tool)
            return m, float(m.stdout.split()[0])
        if tool == "ours":
            return self._ours("upload", self.front.url, snapshot_id, str(source))
        assert self.cfy is not None
        m = run_measured(
            [str(self.cfy), "snapshots", "upload", str(source), "-s", snapshot_id],
            env=cfy_env(self.home),
            cwd=self.home,
        )
        _check(m, tool)
        return m, float("nan")


def _cfy_profile(cfy: Path, home: Path, front: Front) -> Measured:
    home.mkdir(parents=True, exist_ok=True)
    return run_measured(
        [
            str(cfy),
            "profiles",
            "use",
            front.host,
            "-u",
            "admin",
            "-p",
            PASSWORD,
            "-t",
            "default_tenant",
            "--rest-port",
            str(front.port),
            "--ssl",
            "--rest-certificate",
            str(front.ca),
        ],
        env=cfy_env(home),
        cwd=home,
        timeout=120,
    )


def _probe_front(front: Front, runner: _Runner, res: TlsResults) -> None:
    """What the front answers, recorded in the report: gzip of a JSON listing, archive headers."""
    m = run_measured(
        runner._curl("-o", os.devnull, "-D", "-", "-H", "Accept-Encoding: gzip", f"{runner.api}/snapshots")
    )
    heads = [
        ln for ln in m.stdout.splitlines() if ln.lower().startswith(("content-encoding", "content-type"))
    ]
    res.checks.append(f"`GET /snapshots` (JSON): {'; '.join(h.strip() for h in heads) or m.stdout[-200:]}")
    m = run_measured(runner._curl("-I", f"{runner.api}/snapshots/{SNAPSHOT}/archive"))
    keep = ("content-type", "content-length", "content-disposition", "cache-control", "etag")
    heads = [ln.strip() for ln in m.stdout.splitlines() if ln.lower().startswith(keep)]
    res.checks.append(f"`HEAD /snapshots/{SNAPSHOT}/archive` (from disk): {'; '.join(heads)}")
    m = run_measured(
        [
            "curl",
            "-sS",
            "--cacert",
            str(front.ca),
            "-o",
            os.devnull,
            "-w",
            "%{http_code}",
            f"{runner.api}/snapshots/{SNAPSHOT}/archive",
        ]
    )
    res.checks.append(f"the archive without credentials: HTTP {m.stdout.strip()} (auth_request)")


def run(
    sizes: list[int],
    runs: int,
    scratch: Path,
    cfy: Path | None,
    log: Callable[[str], None] = print,
) -> TlsResults:
    """Measure every size, both directions, every tool; `runs` runs each."""
    if not Path(NGINX).exists():
        raise RuntimeError(f"{NGINX} is not installed (Debian's nginx package)")
    res = TlsResults(sizes=list(sizes), scratch=str(scratch))
    tools = [t for t in TOOLS if t != "cfy" or cfy is not None]
    if cfy is None:
        res.notes.append("The official CLI could not be installed: its columns are empty.")
    for size in sizes:
        data_dir = scratch / f"tls-sim-{size}"
        shutil.rmtree(data_dir, ignore_errors=True)
        extra = [
            "--clean",
            "--edition",
            "community",
            "--time-scale",
            "0.01",
            "--snapshot-size",
            str(size),
            "--no-gzip",
        ]
        with contextlib.ExitStack() as stack:
            sim = stack.enter_context(simulator_process(SIM_HOST, data_dir=data_dir, extra=extra))
            work = Path(stack.enter_context(tempfile.TemporaryDirectory(prefix="nginx-", dir=scratch)))
            front = stack.enter_context(nginx_front(f"{sim.host}:{sim.port}", data_dir, work))
            client = ManagerClient(Endpoint.parse(sim.url), Credentials("admin", PASSWORD))
            client.create_snapshot(SNAPSHOT)
            _wait_created(client, SNAPSHOT, timeout=120 + size / (50 * MIB))
            archive = data_dir / "snapshots" / "default_tenant" / SNAPSHOT / f"{SNAPSHOT}.zip"
            if not archive.exists():
                raise RuntimeError(f"the simulator's archive is not at {archive}")
            expected = archive.stat().st_size
            home = scratch / "tls-cfy-home"
            shutil.rmtree(home, ignore_errors=True)
            runner = _Runner(front, cfy, home)
            if cfy is not None:
                prof = _cfy_profile(cfy, home, front)
                if prof.rc != 0:
                    raise RuntimeError(
                        f"cfy profiles use --ssl failed: {prof.stderr[-2000:]} {prof.stdout[-500:]}"
                    )
            if not res.checks:
                _probe_front(front, runner, res)
            log(f"tls: {size_label(size)} archive ready behind {front.url}; {runs} runs x {len(tools)} tools")
            digests: dict[str, str] = {}
            for r in range(runs):
                order = tools[r % len(tools) :] + tools[: r % len(tools)]
                for tool in order:
                    dest = scratch / f"tls-download-{tool}.zip"
                    dest.unlink(missing_ok=True)
                    before = front.cpu() + sim.cpu()
                    m, seconds, digest = runner.download(tool, dest)
                    server = front.cpu() + sim.cpu() - before
                    got = dest.stat().st_size
                    if got != expected:
                        raise RuntimeError(f"{tool} downloaded {got} bytes, expected {expected}")
                    if digest.startswith("HTTP/"):
                        res.protocols[tool] = digest
                    elif digest:
                        digests[tool] = digest
                    dest.unlink()
                    res.samples[("download", size, tool)].append(
                        Sample(m.wall, seconds, m.cpu, m.rss_mib, server)
                    )
                log(f"  tls download run {r + 1}/{runs} done")
            if len(set(digests.values())) > 1:
                raise RuntimeError(f"the tools downloaded different bytes: {digests}")
            up_tools = [t for t in tools if t != "curl+sha256"]
            for r in range(runs):
                order = up_tools[r % len(up_tools) :] + up_tools[: r % len(up_tools)]
                for tool in order:
                    snapshot_id = f"up-{tool}-{r}"
                    before = front.cpu() + sim.cpu()
                    m, seconds = runner.upload(tool, archive, snapshot_id)
                    server = front.cpu() + sim.cpu() - before
                    res.samples[("upload", size, tool)].append(
                        Sample(m.wall, seconds, m.cpu, m.rss_mib, server)
                    )
                    client.delete_snapshot(snapshot_id)
                log(f"  tls upload run {r + 1}/{runs} done")
            client.close()
        shutil.rmtree(data_dir, ignore_errors=True)
        for leftover in scratch.glob("tls-download-*.zip*"):
            leftover.unlink()
    shutil.rmtree(scratch / "tls-cfy-home", ignore_errors=True)
    return res


# -- report ---------------------------------------------------------------------------------------
def report(res: TlsResults, runs: int) -> tuple[str, list[tuple[str, bool | None]]]:
    """Markdown tables and the target verdicts."""
    thr = Table(
        [
            "Transfer",
            "Size",
            "curl MiB/s",
            "curl --http1.1 MiB/s",
            "curl+sha256sum MiB/s",
            "ours MiB/s",
            "**ours / curl**",
            "ours / curl --http1.1",
            "**ours / curl+sha256sum**",
            "cfy MiB/s (process)",
            "ours MiB/s (process)",
            "**ours / cfy**",
        ]
    )
    cost = Table(
        [
            "Transfer",
            "Size",
            "ours CPU s/GiB",
            "curl CPU s/GiB",
            "curl+sha256sum CPU s/GiB",
            "cfy CPU s/GiB",
            "ours peak RSS MiB",
            "curl peak RSS MiB",
            "cfy peak RSS MiB",
            "nginx+sim CPU s/GiB (during ours)",
        ]
    )
    targets: list[tuple[str, bool | None]] = []
    for direction in ("download", "upload"):
        for size in res.sizes:
            curl_t = res.mibps(direction, size, "curl", "transfer")
            h1_t = res.mibps(direction, size, "curl-h1", "transfer")
            hash_t = res.mibps(direction, size, "curl+sha256", "transfer")
            ours_t = res.mibps(direction, size, "ours", "transfer")
            cfy_p = res.mibps(direction, size, "cfy", "wall")
            ours_p = res.mibps(direction, size, "ours", "wall")
            r_curl, r_hash, r_cfy = ours_t / curl_t, ours_t / hash_t, ours_p / cfy_p
            thr.add(
                direction,
                size_label(size),
                fmt(curl_t, 0),
                fmt(h1_t, 0),
                fmt(hash_t, 0),
                fmt(ours_t, 0),
                fmt(r_curl) + "x",
                fmt(ours_t / h1_t) + "x",
                fmt(r_hash) + "x" if r_hash == r_hash else "-",
                fmt(cfy_p, 0),
                fmt(ours_p, 0),
                fmt(r_cfy) + "x",
            )
            gib = size / GIB
            cost.add(
                direction,
                size_label(size),
                fmt(res.med(direction, size, "ours", "cpu") / gib),
                fmt(res.med(direction, size, "curl", "cpu") / gib),
                fmt(res.med(direction, size, "curl+sha256", "cpu") / gib),
                fmt(res.med(direction, size, "cfy", "cpu") / gib),
                fmt(res.med(direction, size, "ours", "rss_mib"), 1),
                fmt(res.med(direction, size, "curl", "rss_mib"), 1),
                fmt(res.med(direction, size, "cfy", "rss_mib"), 1),
                fmt(res.med(direction, size, "ours", "server_cpu") / gib),
            )
            label = f"TLS {direction} {size_label(size)}"
            if direction == "download":
                targets.append((f"{label}: >= 0.9x curl + sha256sum ({fmt(r_hash)}x)", r_hash >= 0.9))
            else:
                targets.append((f"{label}: >= 0.9x curl ({fmt(r_curl)}x)", r_curl >= 0.9))
            targets.append(
                (f"{label}: >= 1.5x official CLI ({fmt(r_cfy)}x)", None if r_cfy != r_cfy else r_cfy >= 1.5)
            )
        rss = [max(s.rss_mib for s in res.samples[(direction, size, "ours")]) for size in res.sizes]
        targets.append(
            (
                f"TLS {direction}: peak RSS under 100 MB (max {fmt(max(rss) * MIB / 1e6, 1)} MB)",
                max(rss) * MIB < 100e6,
            )
        )
    text = (
        f"Through nginx {_nginx_version()} on {FRONT_HOST} (TLSv1.2, the real manager's settings; "
        f"curl negotiated {res.protocols.get('curl', '?')} "
        f"(`curl --http1.1`: {res.protocols.get('curl-h1', '?')}), requests and the official CLI speak "
        "HTTP/1.1). "
        f"Medians of {runs} runs per cell, tools interleaved in a rotating order; scratch files "
        f"(nginx's request-body buffer included) in `{res.scratch}`. Transfer time for curl, "
        "curl + sha256sum and ours; process time for the official CLI comparison.\n\n"
        + thr.markdown()
        + "\n"
        + cost.markdown()
    )
    if res.checks:
        text += "\nWhat the front answered: " + "; ".join(res.checks) + ".\n"
    for note in res.notes:
        text += f"\n{note}\n"
    return text, targets


def _nginx_version() -> str:
    try:
        out = subprocess.run([NGINX, "-v"], capture_output=True, text=True, timeout=10).stderr
    except OSError:
        return "?"
    return out.strip().split("/")[-1].split()[0] if "/" in out else "?"
