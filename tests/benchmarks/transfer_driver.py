"""Our side of a transfer benchmark, in its own process so its CPU and peak RSS are ours alone:

    python -m tests.benchmarks.transfer_driver download URL SNAPSHOT_ID DEST
    python -m tests.benchmarks.transfer_driver upload URL SNAPSHOT_ID SOURCE

The admin password comes from $BENCH_PASSWORD; $BENCH_CA_CERT, when set, is the CA bundle of an
https URL (the `tls` group's nginx front). Prints one JSON line: the seconds spent inside
ManagerClient.download_snapshot / upload_snapshot (connection, request, body, sha256, fsync),
bytes, sha256 (download) and this process's CPU seconds and peak RSS.
"""

from __future__ import annotations

import json
import os
import resource
import sys
import time
from pathlib import Path

from wizard.cloudify.client import ManagerClient
from wizard.cloudify.endpoint import Credentials, Endpoint


def _hwm_kib() -> int:
    """This process's peak RSS (VmHWM) in KiB; unlike ru_maxrss it excludes the parent's pages
    carried between fork and exec."""
    with open("/proc/self/status", "rb") as fh:
        for line in fh:
            if line.startswith(b"VmHWM:"):
                return int(line.split()[1])
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss


def main(argv: list[str]) -> int:
    """Run one transfer and print its figures."""
    if len(argv) != 4 or argv[0] not in ("download", "upload"):
        print(__doc__, file=sys.stderr)
        return 2
    action, url, snapshot_id, path = argv
    ca = os.environ.get("BENCH_CA_CERT")
    client = ManagerClient(
        Endpoint.parse(url, ca_cert=Path(ca) if ca else None),
        Credentials("admin", os.environ.get("BENCH_PASSWORD", "admin")),
    )
    start = time.perf_counter()
    if action == "download":
        result = client.download_snapshot(snapshot_id, Path(path))
        seconds = time.perf_counter() - start
        out = {"seconds": seconds, "size": result.size, "sha256": result.sha256}
    else:
        snapshot = client.upload_snapshot(snapshot_id, Path(path))
        seconds = time.perf_counter() - start
        out = {"seconds": seconds, "size": os.path.getsize(path), "status": snapshot.status}
    client.close()
    usage = resource.getrusage(resource.RUSAGE_SELF)
    out.update(cpu=usage.ru_utime + usage.ru_stime, rss_mib=_hwm_kib() / 1024)
    print(json.dumps(out))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
