"""What the real manager's nginx does in front of the REST service, as measured on a 7.1 stack.

- gzip: ``gzip on; gzip_types application/json; gzip_min_length 1000; gzip_proxied any`` — a JSON
  answer of 1000 bytes or more, with status 200/403/404 (nginx's gzip filter skips every other
  status), to an HTTP/1.1 client that accepts gzip, goes out compressed and chunked, without
  Content-Length. Archives (X-Accel-Redirect, application/octet-stream) keep their Content-Length.
- ``limit_req zone=ratelimit burst=30 delay=20`` keyed on the client address (requests that carry an
  Execution-Token are not limited): nginx's leaky bucket, below; a rejected request gets 503 HTML.
- The https server adds ``Strict-Transport-Security``; the port-80 server adds the http-level
  ``Referrer-Policy``/``X-Content-Type-Options`` and answers /api/ with 400 SSL_REQUIRED.
- Plain http sent to the https port: nginx's HTML 400 "The plain HTTP request was sent to HTTPS port".
"""

from __future__ import annotations

import gzip
import threading
import time
from dataclasses import dataclass

GZIP_MIN_LENGTH = 1000
GZIP_STATUSES = (200, 403, 404)
#: nginx's reason phrases where Python's differ.
NGINX_REASONS = {503: "Service Temporarily Unavailable", 504: "Gateway Time-out", 308: "Permanent Redirect"}

HSTS = ("Strict-Transport-Security", "max-age=31536000; includeSubDomains")
HTTP_LEVEL_HEADERS = [("Referrer-Policy", "same-origin"), ("X-Content-Type-Options", "nosniff")]

NGINX_503 = (
    "<html>\r\n<head><title>503 Service Temporarily Unavailable</title></head>\r\n<body>\r\n"
    "<center><h1>503 Service Temporarily Unavailable</h1></center>\r\n<hr><center>nginx</center>\r\n"
    "</body>\r\n</html>\r\n"
)
NGINX_400_PLAIN_HTTP = (
    "<html>\r\n<head><title>400 The plain HTTP request was sent to HTTPS port</title></head>\r\n"
    "<body>\r\n<center><h1>400 Bad Request</h1></center>\r\n"
    "<center>The plain HTTP request was sent to HTTPS port</center>\r\n"
    "<hr><center>nginx</center>\r\n</body>\r\n</html>\r\n"
)
#: nginx.conf's ``return 400 '...'`` on the port-80 server (served as application/octet-stream).
SSL_REQUIRED = (
    b'{"message": "SSL must be used for API access on SSL-enabled managers.", "error_code": "SSL_REQUIRED"}'
)


def should_gzip(
    status: int, content_type: str | None, length: int, accept_encoding: str, http11: bool
) -> bool:
    """nginx's gzip filter decision for one answer (see the module docstring)."""
    return (
        http11
        and status in GZIP_STATUSES
        and content_type is not None
        and content_type.split(";")[0].strip() == "application/json"
        and length >= GZIP_MIN_LENGTH
        and "gzip" in accept_encoding.lower()
    )


def gzip_chunks(body: bytes, chunk: int = 4096) -> bytes:
    """``body`` gzip-compressed and framed as HTTP/1.1 chunks, terminator included."""
    data = gzip.compress(body, compresslevel=1, mtime=0)
    out = bytearray()
    for start in range(0, len(data), chunk):
        piece = data[start : start + chunk]
        out += f"{len(piece):x}\r\n".encode() + piece + b"\r\n"
    out += b"0\r\n\r\n"
    return bytes(out)


@dataclass
class _Bucket:
    excess: int = 0  # milli-requests, as nginx keeps it
    last: int = 0  # ms


class RateLimiter:
    """nginx ``limit_req`` (ngx_http_limit_req_module) for one zone: rate r/s, burst, delay per key.

    Per key nginx keeps ``excess`` (requests above the rate, in thousandths) and the time of the last
    accepted request. A new request computes ``excess = max(0, excess - rate*elapsed) + 1``; above
    ``burst`` it is rejected (503) and the state is left alone; otherwise it is accepted and waits
    ``(excess - delay) / rate`` seconds when ``excess`` exceeds ``delay`` (0 with ``delay`` >= burst).
    So from idle, 1 + ``delay`` requests pass at once, the next ``burst - delay`` are spaced at the
    rate, and any more in the same instant get 503.
    """

    def __init__(self, rate: float = 10.0, burst: int = 30, delay: int = 20) -> None:
        self.rate_milli = int(rate * 1000)
        self.burst = burst * 1000
        self.delay = delay * 1000
        self._buckets: dict[str, _Bucket] = {}
        self._lock = threading.Lock()
        self.rejected = 0
        self.delayed = 0

    def admit(self, key: str, now: float | None = None, *, burst0: bool = False) -> float | None:
        """Account one request: None to reject it with 503, else the seconds to hold it first.

        ``burst0``: the port-80 server's ``limit_req zone=ratelimit;`` (same zone, no burst).
        """
        now_ms = int((time.monotonic() if now is None else now) * 1000)
        with self._lock:
            bucket = self._buckets.get(key)
            if bucket is None:
                self._buckets[key] = _Bucket(0, now_ms)
                return 0.0
            elapsed = max(0, now_ms - bucket.last)
            excess = bucket.excess - self.rate_milli * elapsed // 1000 + 1000
            excess = max(excess, 0)
            if excess > (0 if burst0 else self.burst):
                self.rejected += 1
                return None
            bucket.excess = excess
            bucket.last = now_ms
            if excess <= self.delay:
                return 0.0
            self.delayed += 1
            return (excess - self.delay) / self.rate_milli
