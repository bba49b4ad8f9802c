"""Record what a real manager answers to the calls in tests/conformance/wire_calls.py.

    CFY_MIGRATE_REAL_OLD=https://127.0.0.41 CFY_MIGRATE_REAL_OLD_CA=/tmp/real/s1/ca.pem \\
    CFY_MIGRATE_REAL_OLD_PASSWORD=... python -m tests.real.record_wire \\
    tests/fixtures/real-responses/r71/wire.json

The password comes from the environment only (never argv). Bodies are scrubbed of secrets. Besides
the REST calls it records nginx's own answers: plain http on port 80 and on the https port.
Loopback managers only.
"""

from __future__ import annotations

import json
import os
import sys
import time
from urllib.parse import urlsplit

import requests

from tests.conformance.wire_calls import CALLS, WIRE_HEADERS, scrub, send


def _front(base: str) -> list[dict[str, object]]:
    host = urlsplit(base).hostname or ""
    out: list[dict[str, object]] = []
    for name, url in (
        ("port80_api", f"http://{host}/api/v3.1/version"),
        ("plain_http_on_https_port", f"http://{host}:443/api/v3.1/version"),
    ):
        s = requests.Session()
        s.trust_env = False
        r = s.get(url, timeout=10, allow_redirects=False)
        rec: dict[str, object] = {
            "name": name,
            "method": "GET",
            "url_kind": name,
            "status": r.status_code,
            "headers": {h: r.headers.get(h) for h in WIRE_HEADERS},
            "content_length": "content-length" in r.headers,
        }
        try:
            rec["json"] = scrub(r.json())
        except ValueError:
            rec["text"] = r.text[:300]
        out.append(rec)
    return out


def main(argv: list[str]) -> int:
    """Record into argv[0]."""
    base = os.environ["CFY_MIGRATE_REAL_OLD"].rstrip("/")
    ca = os.environ.get("CFY_MIGRATE_REAL_OLD_CA") or True
    password = os.environ["CFY_MIGRATE_REAL_OLD_PASSWORD"]
    if not (urlsplit(base).hostname or "").startswith("127."):
        print("record_wire: loopback managers only", file=sys.stderr)
        return 2
    calls = []
    for call in CALLS:
        calls.append(send(base, call, password, ca))
        time.sleep(0.15)  # stay under nginx's limit_req (10 r/s)
    version = requests.get(f"{base}/api/v3.1/version", auth=("admin", password), verify=ca, timeout=10).json()
    out = {
        "description": "cfy-migrate's REST calls answered by a real Cloudify Manager behind its nginx "
        "(tests/real/record_wire.py); secrets scrubbed",
        "recorded_at": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()),
        "manager": {k: version.get(k) for k in ("version", "edition", "distribution")},
        "calls": calls + _front(base),
    }
    with open(argv[0], "w", encoding="utf-8") as fh:
        json.dump(out, fh, indent=1, sort_keys=False)
        fh.write("\n")
    print(f"recorded {len(out['calls'])} calls into {argv[0]}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
