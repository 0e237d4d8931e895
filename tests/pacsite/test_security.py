"""Production settings, login throttling, the Content-Security-Policy and session expiry."""

import os
import re
import subprocess
import sys
from datetime import timedelta
from pathlib import Path

import pytest
import time_machine
from django.utils import timezone

ROOT = Path(__file__).resolve().parents[2]
STRONG_KEY = "k3y-" + "x9Qz" * 15


def _manage(tmp_path, *args, **variables):
    environment = {
        k: v
        for k, v in os.environ.items()
        # DJANGO_ALLOW_ASYNC_UNSAFE is set by the browser tests' conftest; check --deploy
        # warns about it, and a production server never has it.
        if k
        not in {
            "DEBUG",
            "SECRET_KEY",
            "ALLOWED_HOSTS",
            "DATABASE_URL",
            "REDIS_URL",
            "DJANGO_ALLOW_ASYNC_UNSAFE",
            "SITE_URL",
        }
    }
    environment.update(PAC_VAR_DIR=str(tmp_path), **variables)
    return subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=ROOT,
        env=environment,
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_check_deploy_reports_nothing_with_the_production_variables(tmp_path):
    result = _manage(
        tmp_path,
        "check",
        "--deploy",
        "--fail-level",
        "WARNING",
        DEBUG="0",
        SECRET_KEY=STRONG_KEY,
        ALLOWED_HOSTS="pac.example.com",
        SITE_URL="https://pac.example.com",
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "System check identified no issues" in result.stdout


def test_check_deploy_warns_when_emails_would_link_to_the_dev_address(tmp_path):
    result = _manage(
        tmp_path,
        "check",
        "--deploy",
        DEBUG="0",
        SECRET_KEY=STRONG_KEY,
        ALLOWED_HOSTS="pac.example.com",
    )
    assert "pacsite.W001" in result.stderr + result.stdout
    assert "SITE_URL is not set" in result.stderr + result.stdout


def test_production_refuses_the_default_secret_key(tmp_path):
    result = _manage(tmp_path, "check", DEBUG="0", ALLOWED_HOSTS="pac.example.com")
    assert result.returncode != 0
    assert "SECRET_KEY" in result.stderr


@pytest.mark.django_db
def test_login_is_locked_after_repeated_failures_then_cools_off(client, rep, password, settings):
    for _ in range(settings.AXES_FAILURE_LIMIT - 1):
        response = client.post("/login/", {"username": rep.username, "password": "wrong"})
        assert response.status_code == 200  # the form again, with its error
    client.post("/login/", {"username": rep.username, "password": "wrong"})  # the last straw
    locked = client.post("/login/", {"username": rep.username, "password": password})
    assert locked.status_code == 429
    assert "Trop de tentatives" in locked.content.decode()
    assert "_auth_user_id" not in client.session
    later = timezone.now() + settings.AXES_COOLOFF_TIME + timedelta(minutes=1)
    with time_machine.travel(later):
        response = client.post("/login/", {"username": rep.username, "password": password})
        assert response.status_code == 302
        assert client.session["_auth_user_id"] == str(rep.pk)


@pytest.mark.django_db
def test_a_colleague_is_not_locked_out_by_someone_elses_failures(client, rep, rep2, password):
    for _ in range(6):
        client.post("/login/", {"username": rep.username, "password": "wrong"})
    response = client.post("/login/", {"username": rep2.username, "password": password})
    assert response.status_code == 302


@pytest.mark.django_db
def test_pages_carry_a_strict_content_security_policy(client, rep):
    client.force_login(rep)
    policy = client.get("/").headers["Content-Security-Policy"]
    directives = dict(part.strip().split(" ", 1) for part in policy.split(";") if part.strip())
    assert directives["script-src"] == "'self'"
    assert directives["default-src"] == "'self'"
    assert "unsafe-inline" not in policy
    assert "http" not in policy  # no outside origin


def test_no_template_has_an_inline_script():
    inline = re.compile(r"<script(?![^>]*\bsrc=)[^>]*>", re.IGNORECASE)
    handlers = re.compile(r"\son[a-z]+=\"", re.IGNORECASE)
    offenders = []
    for folder in ("templates", "plans", "indicators", "coaching", "reminders"):
        for path in (ROOT / folder).rglob("*.html"):
            if "/email/" in path.as_posix():
                continue  # emails are not pages: no CSP applies, and no script either
            text = path.read_text(encoding="utf-8")
            if inline.search(text) or handlers.search(text):
                offenders.append(str(path.relative_to(ROOT)))
    assert offenders == []


@pytest.mark.django_db
def test_sessions_expire(client, rep, password, settings):
    client.post("/login/", {"username": rep.username, "password": password})
    cookie = client.cookies[settings.SESSION_COOKIE_NAME]
    assert int(cookie["max-age"]) == settings.SESSION_COOKIE_AGE <= 24 * 3600
    with time_machine.travel(timezone.now() + timedelta(seconds=settings.SESSION_COOKIE_AGE + 60)):
        assert client.get("/").status_code == 302
