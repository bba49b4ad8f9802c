"""Configuration layers (TOML < env < flags), password sources and cfy profiles."""

from __future__ import annotations

import argparse
import json
import os
from pathlib import Path

import pytest

from wizard.migration.cli_args import add_manager_arguments
from wizard.migration.config import load_config
from wizard.migration.errors import ConfigError
from wizard.migration.passwords import read_password_file


def parse(argv: list[str]) -> argparse.Namespace:
    parser = argparse.ArgumentParser()
    add_manager_arguments(parser)
    parser.add_argument("--agent-concurrency", type=int)
    parser.add_argument("--stop-old-agents", action="store_true", default=None)
    return parser.parse_args(argv)


BASE_ENV = {"CFY_MIGRATE_OLD_PASSWORD": "o-pw", "CFY_MIGRATE_NEW_PASSWORD": "n-pw"}


def test_precedence_toml_env_flags(tmp_path: Path) -> None:
    toml = tmp_path / "c.toml"
    toml.write_text(
        'waive = ["new.plugins-secrets"]\n[old]\nurl = "https://10.0.0.1"\nuser = "toml-user"\n'
        '[new]\nurl = "10.0.0.2:8443"\n[agents]\nconcurrency = 4\nstop_old_agents = true\n'
    )
    env = {**BASE_ENV, "CFY_MIGRATE_OLD_USER": "env-user", "CFY_MIGRATE_AGENT_CONCURRENCY": "5"}
    cfg = load_config(
        parse(
            [
                "--config",
                str(toml),
                "--agent-concurrency",
                "6",
                "--state-dir",
                str(tmp_path),
                "--waive",
                "old.health=known",
            ]
        ),
        env,
        interactive=False,
    )
    assert cfg.old.credentials.username == "env-user"
    assert cfg.agents.concurrency == 6
    assert cfg.agents.stop_old_agents is True
    assert cfg.new.url == "https://10.0.0.2:8443"
    assert [w.id for w in cfg.waivers] == ["new.plugins-secrets", "old.health"]
    assert cfg.old.credentials.password == "o-pw"
    assert "o-pw" not in json.dumps(cfg.to_json())


def test_password_in_toml_is_refused(tmp_path: Path) -> None:
    toml = tmp_path / "c.toml"
    toml.write_text('[old]\nurl = "https://a"\npassword = "x"\n')
    with pytest.raises(ConfigError, match="password"):
        load_config(parse(["--config", str(toml)]), BASE_ENV, interactive=False)


def test_no_password_anywhere_is_a_clear_error() -> None:
    with pytest.raises(ConfigError) as info:
        load_config(parse(["--old", "https://a", "--new", "https://b"]), {}, interactive=False)
    assert "CFY_MIGRATE_OLD_PASSWORD" in info.value.full_text()


def test_prompt_used_on_a_terminal() -> None:
    asked: list[str] = []
    cfg = load_config(
        parse(["--old", "https://a", "--new", "https://b"]),
        {},
        interactive=True,
        prompt=lambda text: asked.append(text) or "typed",
    )
    assert cfg.new.credentials.password == "typed" and len(asked) == 2


def test_password_file_rules(tmp_path: Path) -> None:
    good = tmp_path / "pw"
    good.write_text("s3cret\n")
    os.chmod(good, 0o600)
    assert read_password_file(good, "old") == "s3cret"
    os.chmod(good, 0o644)
    with pytest.raises(ConfigError) as info:
        read_password_file(good, "old")
    assert "chmod 600" in info.value.full_text()
    empty = tmp_path / "empty"
    empty.write_text("")
    os.chmod(empty, 0o600)
    with pytest.raises(ConfigError, match="empty"):
        read_password_file(empty, "new")
    with pytest.raises(ConfigError, match="does not exist"):
        read_password_file(tmp_path / "missing", "new")
    with pytest.raises(ConfigError, match="empty"):
        load_config(
            parse(["--old", "https://a", "--new", "https://b", "--old-password-file", str(empty)]),
            BASE_ENV,
            interactive=False,
        )


def test_cfy_profile(tmp_path: Path) -> None:
    prof = tmp_path / "cfyhome" / "profiles" / "oldmgr"
    prof.mkdir(parents=True)
    (prof / "context.json").write_text(
        json.dumps(
            {
                "manager_ip": "10.1.1.1",
                "rest_port": 8080,
                "rest_protocol": "http",
                "manager_username": "boss",
                "manager_password": "from-profile",
                "manager_tenant": "t1",
                "rest_certificate": None,
            }
        )
    )
    env = {"CFY_MIGRATE_CFY_HOME": str(tmp_path / "cfyhome"), "CFY_MIGRATE_NEW_PASSWORD": "n"}
    cfg = load_config(parse(["--old-profile", "oldmgr", "--new", "https://b"]), env, interactive=False)
    assert cfg.old.url == "http://10.1.1.1:8080"
    assert cfg.old.credentials.username == "boss" and cfg.old.credentials.tenant == "t1"
    assert cfg.old.credentials.password == "from-profile"
    with pytest.raises(ConfigError, match="no cfy profile"):
        load_config(parse(["--old-profile", "nope", "--new", "https://b"]), env, interactive=False)


def test_bad_url_and_missing_manager() -> None:
    with pytest.raises(ConfigError, match="address is wrong"):
        load_config(parse(["--old", "https://a/path", "--new", "https://b"]), BASE_ENV, interactive=False)
    with pytest.raises(ConfigError) as info:
        load_config(parse(["--old", "https://a"]), BASE_ENV, interactive=False)
    assert "--new URL" in info.value.full_text()


def test_the_readme_config_example_loads(tmp_path: Path) -> None:
    """The TOML example in README.md is a working configuration (docs that do not lie)."""
    readme = (Path(__file__).resolve().parents[3] / "README.md").read_text(encoding="utf-8")
    example = readme.split("```toml\n", 1)[1].split("```", 1)[0]
    password_file = tmp_path / "old-pw"
    password_file.write_text("o-pw\n")
    password_file.chmod(0o600)
    example = example.replace("/root/.old-admin-password", str(password_file))
    example = example.replace("/var/lib/cfy-migrate", str(tmp_path / "state"))
    for name in ("old-ca.pem", "new-ca.pem"):
        (tmp_path / name).write_text("-----BEGIN CERTIFICATE-----\n")
        example = example.replace(f"/etc/cloudify/{name}", str(tmp_path / name))
    toml = tmp_path / "c.toml"
    toml.write_text(example)
    cfg = load_config(parse(["--config", str(toml)]), {"CFY_MIGRATE_NEW_PASSWORD": "n-pw"}, interactive=False)
    assert cfg.old.url == "https://10.0.0.5:443" and cfg.new.url == "https://10.0.0.9:443"
    assert cfg.old.credentials.password == "o-pw"
    assert cfg.old.endpoint.ca_cert == tmp_path / "old-ca.pem"
    assert cfg.restore.maintenance_mode is True and cfg.agents.concurrency == 10
    assert cfg.state_dir == tmp_path / "state"
    assert [w.id for w in cfg.waivers] == ["pair.ip-rule"]
