"""Sub-command `simulate`: serve one simulated Cloudify Manager on loopback until Ctrl-C.

The admin password comes from --admin-password-file or $CFY_SIM_ADMIN_PASSWORD (default
"admin"), never from argv. Fault SPEC syntax: see wizard.simulator.faults (also in --help).
"""

from __future__ import annotations

import argparse
import os
import signal
import sys
import threading

FAULTS_HELP = """fault SPEC: rules separated by ';', each KIND:key=value,...
  drop_download:after=BYTES[,times=K]       cut archive downloads after BYTES
  http_error:path=SUBSTR[,method=M][,status=503][,nth=N][,count=M]
                                            answer STATUS to the Nth matching request (M in a row; 0 = all)
  delay:seconds=S[,path=SUBSTR][,method=M]  slow responses
  fail_execution:workflow=WF[,deployment=DEP][,message=TEXT][,times=K]
  restore_outage:seconds=S                  REST outage length of a legacy restore (base seconds)
  fail_upload:after=BYTES[,times=K]         drop snapshot uploads after BYTES
example: --faults 'drop_download:after=1048576,times=1;http_error:path=/executions,status=502,nth=3'"""


def add_arguments(parser: argparse.ArgumentParser) -> None:
    """Register this sub-command's options."""
    parser.formatter_class = argparse.RawDescriptionHelpFormatter
    parser.epilog = (
        FAULTS_HELP + "\n\nThe admin password is read from --admin-password-file or "
        "$CFY_SIM_ADMIN_PASSWORD (default 'admin')."
    )
    parser.add_argument("--host", default="127.0.0.1", help="loopback address to bind (127.0.0.0/8 only)")
    parser.add_argument("--port", type=int, default=0, help="TCP port (0 = any free port)")
    parser.add_argument(
        "--profile", default="6.4.2", help="manager version: 4.6, 5.0.5, 5.2.7, 6.4.2, 7.0.4 or 7.1.0"
    )
    parser.add_argument(
        "--edition",
        default=None,
        choices=("premium", "community"),
        help="default premium (community with --as-measured)",
    )
    parser.add_argument("--seed", type=int, default=1, help="seed of the generated inventory")
    parser.add_argument("--tenants", type=int, default=2)
    parser.add_argument("--deployments", type=int, default=6)
    parser.add_argument("--installed", type=int, default=4, help="how many deployments are installed")
    parser.add_argument(
        "--snapshot-size",
        type=int,
        default=None,
        metavar="BYTES",
        help="pad every created snapshot archive to about this size",
    )
    parser.add_argument(
        "--clean", action="store_true", help="an empty manager (default_tenant and admin only)"
    )
    parser.add_argument(
        "--admin-password-file",
        default=None,
        metavar="FILE",
        help="file whose first line is the admin password",
    )
    parser.add_argument("--faults", default=None, metavar="SPEC", help="fault injection rules (see below)")
    parser.add_argument("--data-dir", default=None, help="where archives live (default: a temp dir)")
    parser.add_argument("--time-scale", type=float, default=1.0, help="1.0 = demo speed; smaller is faster")
    parser.add_argument(
        "--restore-outage",
        type=float,
        default=2.0,
        metavar="S",
        help="REST outage during a legacy restore on 6.x/7.x (base seconds)",
    )
    parser.add_argument(
        "--outage-mode",
        default="refuse",
        choices=("refuse", "502", "nginx"),
        help="how the REST service is away during a legacy restore (nginx: as measured on 7.1)",
    )
    real = parser.add_argument_group("as a real manager behind nginx (measured on a 7.1 stack)")
    real.add_argument(
        "--as-measured",
        action="store_true",
        help="7.1 community as measured: rate limit, nginx outage shape, no-password window, real data",
    )
    real.add_argument(
        "--rate-limit", action="store_true", default=None, help="nginx limit_req 10 r/s, burst 30"
    )
    real.add_argument(
        "--http-port",
        type=int,
        default=None,
        metavar="N",
        help="also answer plain http here with SSL_REQUIRED (needs --tls-cert)",
    )
    real.add_argument(
        "--outage-hang",
        type=float,
        default=None,
        metavar="S",
        help="seconds a request hangs before its 502 in the nginx outage (base seconds)",
    )
    real.add_argument(
        "--restore-outage2",
        type=float,
        default=None,
        metavar="S",
        help="the second REST restart of a legacy restore (base seconds)",
    )
    real.add_argument(
        "--restore-auth-gap",
        action="store_true",
        default=None,
        help="neither admin password works for a while after the restart",
    )
    real.add_argument(
        "--real-shapes",
        action="store_true",
        default=None,
        help="seed data with the real stack's shapes (no Compute, host_id null, …)",
    )
    real.add_argument("--no-gzip", action="store_true", help="JSON answers are not gzip-compressed")
    parser.add_argument("--hostname", default=None, help='manager hostname (default "cfy-manager-<port>")')
    parser.add_argument("--tls-cert", default=None, metavar="PEM", help="serve https with this certificate")
    parser.add_argument("--tls-key", default=None, metavar="PEM", help="the private key of --tls-cert")
    mgr = parser.add_argument_group("manager-level cases (clusters, licence, LDAP, plugins, certificates)")
    mgr.add_argument("--managers", type=int, default=1, help="managers in the cluster (1: all-in-one)")
    mgr.add_argument("--brokers", type=int, default=1, help="RabbitMQ brokers in the cluster")
    mgr.add_argument("--db-nodes", type=int, default=1, help="PostgreSQL DB nodes in the cluster")
    mgr.add_argument(
        "--stopped-managers", type=int, default=0, metavar="N", help="of the other managers, N are stopped"
    )
    mgr.add_argument(
        "--runtime",
        default="legacy",
        choices=("legacy", "k8s"),
        help="k8s: a distributed (Kubernetes) manager",
    )
    mgr.add_argument(
        "--license",
        default="valid",
        choices=("valid", "missing", "expired-trial", "expired"),
        help="a premium manager's licence",
    )
    mgr.add_argument(
        "--ldap-server", default=None, metavar="URL", help="authenticate users with this LDAP server"
    )
    mgr.add_argument(
        "--plugin-python",
        default=None,
        metavar="TAG",
        help="Python tag of the seeded plugin wagons (e.g. py27)",
    )
    mgr.add_argument(
        "--reboot-time",
        type=float,
        default=20.0,
        metavar="S",
        help="reboot after a restore with restore_certificates (base seconds)",
    )
    mgr.add_argument(
        "--tls-ca", default=None, metavar="PEM", help="the CA of --tls-cert (a snapshot carries it in ssl/)"
    )
    parser.add_argument(
        "--extra-network",
        action="append",
        default=[],
        metavar="NAME",
        help="an agent network besides 'default' (repeatable)",
    )


def _admin_password(args: argparse.Namespace) -> str:
    if args.admin_password_file:
        with open(args.admin_password_file, encoding="utf-8") as fh:
            return fh.readline().rstrip("\r\n")
    return os.environ.get("CFY_SIM_ADMIN_PASSWORD", "admin")


def run(args: argparse.Namespace) -> int:
    """Serve until interrupted; returns the exit code."""
    from wizard.simulator import SimulatorConfig, start_simulator
    from wizard.simulator.config import as_measured, is_loopback

    if not is_loopback(args.host):
        print(
            f"cfy-migrate simulate: --host {args.host} is not in 127.0.0.0/8; the simulator only serves "
            "loopback addresses",
            file=sys.stderr,
        )
        return 2
    try:
        password = _admin_password(args)
    except OSError as exc:
        print(f"cfy-migrate simulate: cannot read the admin password file: {exc}", file=sys.stderr)
        return 2
    try:
        fields: dict[str, object] = dict(
            seed=args.seed,
            tenants=args.tenants,
            deployments=args.deployments,
            installed=min(args.installed, args.deployments),
            clean=args.clean,
            admin_password=password,
            host=args.host,
            port=args.port,
            hostname=args.hostname,
            data_dir=args.data_dir,
            snapshot_size=args.snapshot_size,
            time_scale=args.time_scale,
            faults=args.faults,
            extra_networks=tuple(args.extra_network),
            tls_cert=args.tls_cert,
            tls_key=args.tls_key,
            nginx_gzip=not args.no_gzip,
            managers=args.managers,
            brokers=args.brokers,
            db_nodes=args.db_nodes,
            stopped_managers=args.stopped_managers,
            runtime=args.runtime,
            license=args.license,
            ldap_server=args.ldap_server,
            plugin_python=args.plugin_python,
            reboot_time=args.reboot_time,
            tls_ca=args.tls_ca,
        )
        knobs = {
            "rate_limit": args.rate_limit,
            "http_port": args.http_port,
            "outage_hang": args.outage_hang,
            "restore_outage2": args.restore_outage2,
            "restore_auth_gap": args.restore_auth_gap,
            "real_shapes": args.real_shapes,
        }
        fields.update({k: v for k, v in knobs.items() if v is not None})
        if args.edition:
            fields["edition"] = args.edition
        if args.as_measured:
            cfg = as_measured(**fields)
        else:
            fields.update(
                profile=args.profile, restore_outage=args.restore_outage, outage_mode=args.outage_mode
            )
            cfg = SimulatorConfig(**fields)  # type: ignore[arg-type]
        cfg.validate()
        sim = start_simulator(cfg)
    except (ValueError, OSError) as exc:  # ssl.SSLError (a bad certificate) is an OSError
        print(f"cfy-migrate simulate: {exc}", file=sys.stderr)
        return 2
    done = threading.Event()
    signal.signal(signal.SIGTERM, lambda *_: done.set())
    print(f"Simulated Cloudify Manager {cfg.profile} ({cfg.edition}) serving at {sim.url}", flush=True)
    try:
        while not done.wait(0.5):
            pass
    except KeyboardInterrupt:
        pass
    finally:
        sim.stop()
    return 0
