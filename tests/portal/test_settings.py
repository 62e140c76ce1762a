import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
SECRETS = {
    "DJANGO_SECRET_KEY": "p" * 20 + "-productie-sleutel-" + "q" * 30,
    "DJANGO_ALLOWED_HOSTS": "portaal.example.nl",
    "DATABASE_URL": "sqlite:////tmp/portal-deploy-check.sqlite3",
}


def _manage(*args, env_extra=None, drop=()):
    # Never inherit test-only switches (browser tests set DJANGO_ALLOW_ASYNC_UNSAFE).
    blocked = {*SECRETS, *drop, "DJANGO_ALLOW_ASYNC_UNSAFE"}
    env = {k: v for k, v in os.environ.items() if k not in blocked}
    env["DJANGO_SETTINGS_MODULE"] = "portal.settings.production"
    env.update(env_extra or {})
    return subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


@pytest.mark.parametrize("missing", sorted(SECRETS))
def test_production_refuses_to_start_without_each_secret(missing):
    env = {k: v for k, v in SECRETS.items() if k != missing}
    result = _manage("check", env_extra=env)
    assert result.returncode != 0
    assert "ImproperlyConfigured" in result.stderr
    assert missing in result.stderr


def test_production_check_deploy_is_clean_with_secrets_set():
    result = _manage("check", "--deploy", "--fail-level", "WARNING", env_extra=SECRETS)
    assert result.returncode == 0, result.stderr + result.stdout
    assert "no issues" in result.stdout
