"""Password hashes: the simulator stores hashes only (snapshots carry the admin's hash, never a password)."""

from __future__ import annotations

import base64
import hashlib
import hmac
import threading

_ITERATIONS = 2000
_cache: dict[tuple[str, str], bool] = {}
_cache_lock = threading.Lock()


def _b64(data: bytes) -> str:
    return base64.b64encode(data, altchars=b"./").decode().rstrip("=")


def hash_password(password: str, salt: str) -> str:
    """A passlib-style ``$pbkdf2-sha256$...`` hash; deterministic for a given salt."""
    digest = hashlib.pbkdf2_hmac("sha256", password.encode(), salt.encode(), _ITERATIONS)
    return f"$pbkdf2-sha256${_ITERATIONS}${_b64(salt.encode())}${_b64(digest)}"


def verify_password(password: str, hashed: str) -> bool:
    """Check a password against a stored hash (results cached: every request authenticates)."""
    key = (password, hashed)
    with _cache_lock:
        hit = _cache.get(key)
    if hit is not None:
        return hit
    ok = False
    parts = hashed.split("$")
    if len(parts) == 5 and parts[1] == "pbkdf2-sha256":
        try:
            iterations = int(parts[2])
            salt = base64.b64decode(parts[3].replace(".", "+") + "=" * (-len(parts[3]) % 4), altchars=b"+/")
        except ValueError:
            iterations, salt = 0, b""
        if iterations > 0:
            digest = hashlib.pbkdf2_hmac("sha256", password.encode(), salt, iterations)
            ok = hmac.compare_digest(_b64(digest), parts[4])
    with _cache_lock:
        if len(_cache) > 10000:
            _cache.clear()
        _cache[key] = ok
    return ok
