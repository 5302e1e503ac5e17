"""``ledgerbridge user create|list|disable`` and ``apikey create --role``, run as the installed
command: the password read from stdin and stored only as argon2id, a disabled user's sessions
ended at once, a role outside viewer/accountant/admin refused."""

from __future__ import annotations

import os
import subprocess
from pathlib import Path

import pytest

from ledgerbridge.service import access, setup
from ledgerbridge.store.database import Database
from tests.e2e.test_mapping_cli import command

pytestmark = pytest.mark.e2e


def run(url: str, *args: str, stdin: str = "") -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "LEDGERBRIDGE_DATABASE_URL": url, "NO_COLOR": "1"}
    return subprocess.run(
        [command(), *args],
        input=stdin,
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )


def test_users_are_created_listed_and_disabled(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'users.db'}"
    db = Database(url)
    setup.init(db, "EUR")
    made = run(
        url,
        "user",
        "create",
        "maria",
        "--role",
        "accountant",
        "--password-stdin",
        stdin="month-end-is-calm\n",
    )
    assert (made.returncode, made.stdout.strip()) == (0, "user maria created (accountant)")
    assert "month-end-is-calm" not in made.stdout + made.stderr
    token, who = access.login_password(db, "maria", "month-end-is-calm")
    assert who.role == "accountant"

    bad = run(
        url,
        "user",
        "create",
        "li",
        "--role",
        "owner",
        "--password-stdin",
        stdin="long-enough-password\n",
    )
    assert bad.returncode == 1
    assert "a role is one of viewer, accountant, admin" in bad.stderr
    short = run(url, "user", "create", "li", "--password-stdin", stdin="short\n")
    assert short.returncode == 1

    assert run(url, "user", "list").stdout.splitlines() == ["maria\taccountant\tenabled"]
    gone = run(url, "user", "disable", "maria")
    assert (gone.returncode, gone.stdout.strip()) == (0, "user maria disabled")
    assert access.session(db, token) is None
    with pytest.raises(access.LoginFailed):
        access.login_password(db, "maria", "month-end-is-calm")
    assert run(url, "user", "list").stdout.splitlines() == ["maria\taccountant\tdisabled"]
    assert run(url, "user", "disable", "maria").returncode == 1

    key = run(url, "apikey", "create", "--name", "auditors", "--role", "viewer").stdout.strip()
    _, holder = access.login_api_key(db, key)
    assert (holder.name, holder.role) == ("auditors", "viewer")
    db.dispose()
