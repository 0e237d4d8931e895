"""SITE_URL: its default follows HOST/PORT, and a deploy check warns when it is left unset."""

import os
import subprocess
import sys
from pathlib import Path

from django.core.checks import run_checks
from django.test import override_settings

ROOT = Path(__file__).resolve().parents[2]


def site_url_with(**env) -> str:
    variables = {k: v for k, v in os.environ.items() if k not in {"SITE_URL", "HOST", "PORT"}}
    variables.update(env, DJANGO_SETTINGS_MODULE="pacsite.settings")
    code = "from django.conf import settings; print(settings.SITE_URL)"
    done = subprocess.run(
        [sys.executable, "-c", code], cwd=ROOT, env=variables, capture_output=True, text=True
    )
    assert done.returncode == 0, done.stderr
    return done.stdout.strip()


def test_default_follows_host_and_port():
    assert site_url_with(PORT="8101") == "http://127.0.0.1:8101"
    assert site_url_with(HOST="0.0.0.0", PORT="9000") == "http://0.0.0.0:9000"
    assert site_url_with() == "http://127.0.0.1:8000"


def test_an_explicit_site_url_wins():
    assert site_url_with(SITE_URL="https://pac.example.com/", PORT="8101") == (
        "https://pac.example.com"
    )


def deploy_warnings():
    return [m.id for m in run_checks(include_deployment_checks=True)]


@override_settings(DEBUG=False, SITE_URL_SET=False)
def test_deploy_check_warns_when_site_url_is_left_at_its_default():
    assert "pacsite.W001" in deploy_warnings()


@override_settings(DEBUG=False, SITE_URL_SET=True, SITE_URL="https://pac.example.com")
def test_deploy_check_is_quiet_when_site_url_is_set():
    assert "pacsite.W001" not in deploy_warnings()
