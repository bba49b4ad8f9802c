"""redact(): the secret shapes real managers put into their events are gone, the rest stays
readable; idempotent and total (hypothesis)."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest
from hypothesis import assume, given, settings
from hypothesis import strategies as st

from wizard.migration.redact import MASK, redact

PBKDF2 = "$pbkdf2-sha256$29000$N2YMIWQsBWBMae09x1jrPQ$1t8iyB2A.WF/Z5JZv.lfCIhXXN33N23OSgQYThBYRfk"
BCRYPT = "$2b$12$R9h/cIPz0gi.URNNX3kh2OPST9/PgBkqquzi.Ss7KIUgO2t0jWMUW"
PEM = (
    "-----BEGIN RSA PRIVATE KEY-----\nMIIEowIBAAKCAQEAu1SU1LfVLPHCozMxH2Mo4lgOEePzNm0tRgeLezV6ffAt0gun\n"
    "VTLw7onLRnrq0/IzW7yWR7QkrmBL7jTKEn5u+qKhbwKfBstIs+bMY2Zkp18gnTxK\n-----END RSA PRIVATE KEY-----"
)
JWT = (
    "eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.eyJzdWIiOiIxMjM0NTY3ODkwIn0."
    "dozjgNryP4J3jVmNHl0w5N_XgL0n3I9PlFUP0THsR8U"
)
CTOK = "ctok-AbCdEf1234-" + "x" * 40
LEGACY_TOKEN = "WyIwIiwiMzU2ZjRkYjgzNmMyZmMxNjQ3NDI4ODM1NDMzZTM5ZTEiXQ.ZNXbXQ.ZpWwgN3dJ6r3UVEYVDn_gqDzFMo"

# (event text, secrets that must be gone, words that must stay)
ROWS: list[tuple[str, list[str], list[str]]] = [
    (
        "Init Postgres config: {'postgresql_host': 'localhost', 'postgresql_password': 'cloudify'}",
        ["cloudify'"],
        ["Init Postgres config", "'postgresql_host': 'localhost'", "'postgresql_password': '***'"],
    ),
    (
        f"UPDATE users SET username='admin', password='{PBKDF2}' WHERE id=0",
        [PBKDF2, "pbkdf2", "N2YMIWQsBWBMae09x1jrPQ"],
        ["UPDATE users SET username='admin'", "WHERE id=0"],
    ),
    (
        '{"db_password": "S3cr3t!", "host": "10.0.0.5", "port": 5432}',
        ["S3cr3t!"],
        ['"host": "10.0.0.5"', '"port": 5432', '"db_password": "***"'],
    ),
    ("connecting with password=hunter2 to 127.0.0.1", ["hunter2"], ["connecting with", "127.0.0.1"]),
    ("user: admin pass: Zx9-secret tenant: default_tenant", ["Zx9-secret"], ["user: admin", "tenant"]),
    ("PGPASSWORD=qwerty psql -U cloudify", ["qwerty"], ["psql -U cloudify"]),
    (
        "rest-security.conf: {'secret_key': 'aGVsbG8', 'hash_salt': 'c2FsdA', "
        "'encoding_alphabet': 'abcdefghijk', 'encoding_block_size': 24, 'encoding_min_length': 5, "
        "'encryption_key': 'ZW5j'}",
        ["aGVsbG8", "c2FsdA", "abcdefghijk", "24", "ZW5j", ": 5"],
        ["rest-security.conf"],
    ),
    (f"admin hash {BCRYPT} restored", [BCRYPT, "R9h/cIPz0gi"], ["admin hash", "restored"]),
    (f"Writing key file: {PEM} done", ["MIIEowIBAAKCAQEAu1SU1LfVLPHCozMxH2Mo4lgOEePzNm0tRgeLezV6ffAt0gun"],
     ["-----BEGIN RSA PRIVATE KEY-----", "-----END RSA PRIVATE KEY-----", "done"]),
    (
        "key: " + repr(PEM)[:80],  # cut off before its END line, as a truncated event is
        ["MIIEowIBAAKCAQEAu1SU1"],
        ["-----BEGIN RSA PRIVATE KEY-----"],
    ),
    (f"Authorization: Bearer {JWT}", [JWT, "dozjgNryP4J3"], ["Authorization: Bearer"]),
    (f"token {JWT} expired", [JWT], ["token", "expired"]),
    (f"Created token {CTOK} for admin", ["x" * 40], ["ctok-AbCdEf1234-***", "for admin"]),
    (f"'value': '{LEGACY_TOKEN}'", ["ZpWwgN3dJ6r3UVEYVDn"], ["'value'"]),
    ("Authorization: Basic YWRtaW46YWRtaW4=", ["YWRtaW46YWRtaW4="], ["Authorization: Basic ***"]),
    (
        "broker url amqp://cloudify:c2VjcmV0@127.0.0.1:5671//",
        ["c2VjcmV0"],
        ["amqp://cloudify:***@127.0.0.1:5671"],
    ),
    ("'rest_token': 'abc.def.ghi', 'execution_token': 'ZZZ999'", ["abc.def.ghi", "ZZZ999"], ["rest_token"]),
    ("agent config {'broker_pass': 'guest1', 'broker_user': 'guest'}", ["guest1"],
     ["'broker_user': 'guest'"]),
    ("'admin_password': 'it\\'s-a-s3cret'", ["s3cret"], ["'admin_password'"]),
]

KEEP_AS_IS = [
    "Source not found: /opt/manager/resources/blueprints/x. Skipping",
    "Starting 'create_snapshot' workflow execution",
    "'include_credentials': True, 'include_logs': True",
    "Task succeeded 'cloudify_system_workflows.snapshots.snapshot_create'",
    "tests passed: 3, failed: 0",
    "{'password': None, 'postgresql_password': ''}",
    "Restored 4 deployments of 2 tenants",
    "",
]


@pytest.mark.parametrize(("text", "gone", "kept"), ROWS, ids=[r[0][:40] for r in ROWS])
def test_secret_shapes_are_masked_and_the_rest_stays(text: str, gone: list[str], kept: list[str]) -> None:
    out = redact(text)
    for secret in gone:
        assert secret not in out, out
    for words in kept:
        assert words in out, out
    assert MASK in out
    assert redact(out) == out


@pytest.mark.parametrize("text", KEEP_AS_IS)
def test_ordinary_event_text_is_untouched(text: str) -> None:
    assert redact(text) == text


SECRET = st.text(
    alphabet=st.characters(codec="utf-8", exclude_categories=("Zs", "Zl", "Zp", "Cc", "Cs"),
                           exclude_characters="'\"\\,;&{}[]()<>@/\x85"),
    min_size=4, max_size=30,
).filter(lambda s: s.lower() not in {"none", "null", "true", "false"} and "***" not in s)
KEYS = st.sampled_from(["password", "postgresql_password", "secret_key", "hash_salt", "api_token",
                        "broker_pass", "PGPASSWORD", "encoding_alphabet", "ssh_key"])


@settings(max_examples=300, deadline=None)
@given(st.text(max_size=400))
def test_idempotent_and_total_on_any_text(text: str) -> None:
    once = redact(text)
    assert isinstance(once, str)
    assert redact(once) == once


@settings(max_examples=300, deadline=None)
@given(key=KEYS, secret=SECRET, form=st.sampled_from(["'{k}': '{v}'", '"{k}": "{v}"', "{k}={v}",
                                                      "{k}='{v}'", "{k}: {v}", "{k} = \"{v}\""]),
       before=st.text(max_size=40), after=st.text(max_size=40))
def test_planted_secrets_never_survive(key: str, secret: str, form: str, before: str, after: str) -> None:
    assume(secret not in before and secret not in after)
    line = f"{before} {form.format(k=key, v=secret)} {after}"
    out = redact(line)
    assert secret not in out, (line, out)
    assert redact(out) == out


@settings(max_examples=200, deadline=None)
@given(st.lists(st.sampled_from([PBKDF2, BCRYPT, JWT, CTOK, LEGACY_TOKEN, PEM, "plain", " ", "\n", ",", "'"]),
                max_size=12))
def test_known_shapes_in_any_mix(parts: list[str]) -> None:
    text = "".join(parts)
    out = redact(text)
    for secret in ("N2YMIWQsBWBMae09x1jrPQ", "R9h/cIPz0gi", "dozjgNryP4J3", "x" * 40, "ZpWwgN3dJ6r3",
                   "MIIEowIBAAKCAQEAu1SU1"):
        assert secret not in out
    assert redact(out) == out


def test_module_is_pure() -> None:
    """redact.py imports nothing from the engine (so the engine and the TUI can both use it)."""
    source = (Path(__file__).resolve().parents[3] / "wizard" / "migration" / "redact.py").read_text()
    imported = {n.module for n in ast.walk(ast.parse(source)) if isinstance(n, ast.ImportFrom) and n.module}
    imported |= {a.name for n in ast.walk(ast.parse(source)) if isinstance(n, ast.Import) for a in n.names}
    assert imported <= {"__future__", "re"}
