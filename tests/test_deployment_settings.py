"""Production defaults: DEBUG off unless turned on, a credentials key required, CSP everywhere."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
from cryptography.fernet import Fernet

from tests.conftest import PASSWORD

ROOT = Path(__file__).resolve().parent.parent


def production_env(tmp_path: Path, **extra: str) -> dict[str, str]:
    """The environment of a deployment: nothing local-only set."""
    env = {k: v for k, v in os.environ.items() if not k.startswith(("DJANGO_", "COMICSTUDIO_"))}
    env.update(
        DJANGO_SECRET_KEY=Fernet.generate_key().decode() + "-production-secret",
        COMICSTUDIO_CREDENTIALS_KEY=Fernet.generate_key().decode(),
        COMICSTUDIO_VAR_DIR=str(tmp_path),
        DJANGO_ALLOWED_HOSTS="studio.example.com",
        EMAIL_HOST="smtp.example.com",  # without it mail is only printed: mail.E001
        **extra,
    )
    return env


def manage(env: dict[str, str], *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(  # noqa: S603
        [sys.executable, "manage.py", *args], cwd=ROOT, env=env, capture_output=True, text=True,
        timeout=120,
    )  # fmt: skip


def test_debug_is_off_unless_turned_on(tmp_path):
    code = "from django.conf import settings; print(settings.DEBUG)"
    result = manage(production_env(tmp_path), "shell", "-c", code)
    assert result.stdout.strip().splitlines()[-1] == "False", result.stderr


def test_production_settings_pass_the_deploy_check_without_warnings(tmp_path):
    result = manage(production_env(tmp_path), "check", "--deploy", "--fail-level", "WARNING")
    assert result.returncode == 0, result.stdout + result.stderr


def test_without_a_credentials_key_production_refuses_to_start(tmp_path):
    env = production_env(tmp_path)
    del env["COMICSTUDIO_CREDENTIALS_KEY"]
    result = manage(env, "check", "--deploy")
    assert result.returncode != 0
    assert "comicstudio.E001" in result.stderr and "COMICSTUDIO_CREDENTIALS_KEY" in result.stderr

    asgi = subprocess.run(  # noqa: S603
        [sys.executable, "-c", "import comicstudio.asgi"], cwd=ROOT, env=env,
        capture_output=True, text=True, timeout=120,
    )  # fmt: skip
    assert asgi.returncode != 0 and "COMICSTUDIO_CREDENTIALS_KEY is not set" in asgi.stderr


@pytest.mark.django_db
def test_every_html_page_carries_a_policy_without_inline_code(client, writer):
    client.force_login(writer)
    for url in ("/login/", "/", "/characters/"):
        policy = client.get(url)["Content-Security-Policy"]
        directives = dict(d.strip().split(" ", 1) for d in policy.split(";"))
        assert directives["script-src"] == "'self'" and directives["style-src"] == "'self'"
        assert "unsafe-inline" not in policy and "unsafe-eval" not in policy


@pytest.mark.browser
def test_the_browser_watch_catches_a_policy_violation(browser, asgi_server, writer):
    page = browser.new_page()
    page.goto(f"{asgi_server.url}/login/")
    page.evaluate(
        "document.body.appendChild(Object.assign(document.createElement('script'),"
        " {textContent: 'window.injected = 1'}))"
    )
    page.wait_for_timeout(200)
    assert page.evaluate("window.injected") is None  # blocked by the policy
    assert any("Content Security Policy" in v for v in browser.violations)
    browser.violations.clear()  # seen on purpose: this test must not fail the fixture
    page.fill("input[name=username]", writer.username)
    page.fill("input[name=password]", PASSWORD)
    page.click("button[type=submit]")
    page.wait_for_url(f"{asgi_server.url}/")


def test_without_a_secret_key_production_refuses_to_start_but_makemigrations_runs(tmp_path):
    env = production_env(tmp_path)
    del env["DJANGO_SECRET_KEY"]
    result = manage(env, "check", "--deploy")
    assert result.returncode != 0
    assert "comicstudio.E003" in result.stderr and "DJANGO_SECRET_KEY" in result.stderr
    assert manage(env, "makemigrations", "--check", "--dry-run").returncode == 0
    asgi = subprocess.run(  # noqa: S603
        [sys.executable, "-c", "import comicstudio.asgi"], cwd=ROOT, env=env,
        capture_output=True, text=True, timeout=120,
    )  # fmt: skip
    assert asgi.returncode != 0 and "comicstudio.E003" in asgi.stderr
