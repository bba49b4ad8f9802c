"""Remove secrets from text a manager sends us before it is logged, printed, shown or reported.

Why this exists: a real manager's own events carry secrets. create_snapshot logs its Postgres
config (`'postgresql_password': 'cloudify'`), a legacy restore logs the SQL that puts the old
admin's password hash back (`UPDATE users SET ... password='$pbkdf2-sha256$...'`), and a
traceback may quote rest-security.conf, a broker URL or a private key. The wizard relays events
to the console, `--json`, migrate.log, the TUI and the report; every one of them goes through
`redact()` first.

`redact(text)` replaces each secret value with `***` and keeps the rest of the line readable:

- key/value pairs whose key names a secret (password, passwd, pwd, pass, secret, token, key,
  salt, hash, credential, and the rest-security.conf values encoding_alphabet,
  encoding_block_size, encoding_min_length), in Python-repr/JSON form (`'k': 'v'`,
  `"k": 3`), assignment form (`k='v'`, `k=v`, SQL `SET k = 'v'`) and colon form (`k: v`);
- password hashes: pbkdf2 (passlib's `$pbkdf2-sha256$...`), bcrypt (`$2b$12$...`), argon2,
  sha-crypt (`$6$...`), scrypt;
- PEM private keys (`-----BEGIN ... PRIVATE KEY----- ... -----END ... PRIVATE KEY-----`, also when
  the end was cut off);
- JWTs, Cloudify API tokens (`ctok-<id>-<secret>`: the id stays), the signed tokens of managers
  up to 6.3, HTTP Basic/Bearer credentials, and the password of a URL's `user:password@`.

It is pure (no I/O, no state), never raises on any str, and is idempotent:
redact(redact(t)) == redact(t). It imports nothing else from wizard.migration.
"""

from __future__ import annotations

import re

MASK = "***"

_KEY_WORDS = (
    r"pass(?:word|wd|phrase)?(?![a-z])|pwd|secret|token|key|salt|hash|credential"
    r"|encoding_alphabet|encoding_block_size|encoding_min_length"
)
#: a key naming a secret: a word holding one of the words above (bounded, so no backtracking blowup)
_KEY = rf"[A-Za-z0-9_.-]{{0,40}}?(?:{_KEY_WORDS})[A-Za-z0-9_.-]{{0,40}}"

_SQ = r"'(?:[^'\\\n]|\\.){0,4096}'"
_DQ = r'"(?:[^"\\\n]|\\.){0,4096}"'
_BARE = r"""[^\s,;&'"{}\[\]()<>]{1,4096}"""

# 'key': 'value' / "key": "value" / "key": 123 (Python repr and JSON)
_QUOTED_KV = re.compile(
    rf"""(?P<lead>(?P<q>['"])(?:{_KEY})(?P=q)[ \t]*:[ \t]*)(?P<value>{_SQ}|{_DQ}|{_BARE})""",
    re.IGNORECASE,
)
# key='value' / key = "value" / key=value / key: value (SQL, env, URLs' queries, YAML-ish text)
_BARE_KV = re.compile(
    rf"""(?P<lead>(?<![A-Za-z0-9_.-])(?:{_KEY})[ \t]*(?::|=)[ \t]*)(?P<value>{_SQ}|{_DQ}|{_BARE})""",
    re.IGNORECASE,
)

_PEM = re.compile(
    r"(?P<begin>-----BEGIN (?P<kind>[A-Z0-9 ]{0,40})PRIVATE KEY-----)"
    r"(?P<body>(?:(?!-----).){0,16384})"  # a key's body never holds "-----": linear time
    r"(?P<end>-----END (?P=kind)PRIVATE KEY-----)",
    re.DOTALL,
)
#: a private key whose END line was cut off (a truncated event): its base64 lines go
_PEM_CUT = re.compile(
    r"(?P<begin>-----BEGIN [A-Z0-9 ]{0,40}PRIVATE KEY-----)(?!\*\*\*)"
    r"(?P<body>(?:[A-Za-z0-9+/=:\s-]|\\n|\\r)*)"
)

_HASHES = re.compile(
    r"\$(?:pbkdf2(?:-sha(?:1|256|512))?|2[abxy]?|argon2(?:id|i|d)|scrypt|[156]|sha(?:256|512)_crypt)"
    r"\$[^\s'\",;)\]}]{1,1024}"
)

_TOKENS = [
    # JWT: header.payload.signature, base64url, the header always starts with {" -> eyJ
    # (no word boundary: tokens glued to other base64 are masked too)
    (re.compile(r"eyJ[A-Za-z0-9_-]{4,}(?:\.[A-Za-z0-9_-]*){1,2}"), MASK),
    # Cloudify 6.4+ API token: ctok-<10-char id>-<40-char secret>; the id is not secret
    (re.compile(r"(ctok-[A-Za-z0-9]{1,64}-)[A-Za-z0-9]{8,40}"), r"\g<1>" + MASK),
    # flask-security signed tokens of managers up to 6.3: base64 of ["<id>", ...] then signature
    (re.compile(r"WyI[A-Za-z0-9_-]{4,}\.[A-Za-z0-9_.-]{8,}"), MASK),
    # HTTP Basic / Bearer credentials in a header dump
    (re.compile(r"\b(Basic|Bearer)([ \t]+)[A-Za-z0-9+/=._~-]{8,}", re.IGNORECASE), r"\g<1>\g<2>" + MASK),
    # what is left of a token glued to the one just masked (its dotted parts, its base64)
    (re.compile(r"\*\*\*[A-Za-z0-9_.+/=]+"), MASK),
    # scheme://user:password@host
    (
        re.compile(r"(\b[A-Za-z][A-Za-z0-9+.-]{0,20}://[^\s:/@'\"]{0,128}:)[^\s@/'\"]{1,256}(@)"),
        r"\g<1>" + MASK + r"\g<2>",
    ),
]

_KEEP = frozenset({"none", "null", "true", "false", "''", '""', MASK, f"'{MASK}'", f'"{MASK}"'})


def _mask_value(value: str) -> str:
    """`***` in place of a value, keeping its quotes; empty and None-like values stay."""
    if value.lower() in _KEEP:
        return value
    if len(value) >= 2 and value[0] == value[-1] and value[0] in "'\"":
        return f"{value[0]}{MASK}{value[0]}"
    return MASK


def _kv(match: re.Match[str]) -> str:
    return match.group("lead") + _mask_value(match.group("value"))


def _pem(match: re.Match[str]) -> str:
    return match.group("begin") + MASK + match.group("end")


def _pem_cut(match: re.Match[str]) -> str:
    return match.group("begin") + MASK


def redact(text: str) -> str:
    """`text` with every secret shape the module docstring lists replaced by `***`."""
    if not text:
        return text
    out = _PEM.sub(_pem, text)
    out = _PEM_CUT.sub(_pem_cut, out)
    out = _HASHES.sub(MASK, out)
    for pattern, replacement in _TOKENS:
        out = pattern.sub(replacement, out)
    out = _QUOTED_KV.sub(_kv, out)
    out = _BARE_KV.sub(_kv, out)
    return out


__all__ = ["MASK", "redact"]
