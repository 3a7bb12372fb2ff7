"""Users and roles: who may export, pack evidence or edit cases; passwords are never stored in clear."""

from __future__ import annotations

import pytest

from graphtool import access, audit
from graphtool.config import ConfigError
from graphtool.workspace import Workspace
from tests.support import users_config


def test_a_password_hash_checks_its_password_and_hides_it():
    stored = access.hash_password("秘密 secret")
    assert "secret" not in stored and stored.startswith("scrypt$")
    assert access.check_password("秘密 secret", stored)
    assert not access.check_password("secret", stored)
    assert access.hash_password("x") != access.hash_password("x")  # salted


def test_users_sign_in_with_their_password(tmp_path):
    accounts = access.load_users(
        env={}, config_path=users_config(tmp_path / "graphtool.toml", {"wang": ("analyst", "wang-pw")})
    )
    user = access.authenticate("wang", "wang-pw", accounts)
    assert user == access.User("wang", "analyst")
    for name, password in (("wang", "nope"), ("nobody", "wang-pw"), ("wang", None)):
        with pytest.raises(access.AccessDenied, match="unknown user or wrong password"):
            access.authenticate(name, password, accounts)


def test_a_separate_users_file_is_read(tmp_path):
    users = users_config(tmp_path / "users.toml", {"chen": ("prosecutor", "chen-pw")})
    config = tmp_path / "graphtool.toml"
    config.write_text('users_file = "users.toml"\n', encoding="utf-8")
    assert access.load_users(env={}, config_path=config)["chen"].role == "prosecutor"
    assert access.load_users(env={"GRAPHTOOL_USERS": str(users)}, config_path=tmp_path / "none.toml")


def test_plain_text_passwords_and_unknown_roles_are_refused(tmp_path):
    path = tmp_path / "graphtool.toml"
    path.write_text('[users.li]\nrole = "viewer"\npassword = "hunter2"\n', encoding="utf-8")
    with pytest.raises(ConfigError, match=r"\[users.li\] has a plain-text password"):
        access.load_users(env={}, config_path=path)
    path.write_text(f'[users.li]\nrole = "chief"\npassword_hash = "{access.hash_password("x")}"\n')
    with pytest.raises(ConfigError, match="role 'chief' is not one of viewer, investigator"):
        access.load_users(env={}, config_path=path)


@pytest.mark.parametrize(
    ("role", "allowed"),
    [
        ("viewer", {"view"}),
        ("investigator", {"view", "judge", "edit_case"}),
        ("analyst", {"view", "judge", "edit_case", "export", "query"}),
        ("prosecutor", {"view", "judge", "edit_case", "export", "query", "evidence"}),
        ("admin", {"view", "judge", "edit_case", "export", "query", "evidence", "admin"}),
    ],
)
def test_roles_gate_actions(role, allowed):
    user = access.User("u", role)
    assert {a for a in access.policy().actions if user.may(a)} == allowed


def test_a_viewer_is_told_why_an_export_is_refused_and_the_attempt_is_logged(tmp_path):
    with Workspace.open(tmp_path / "ws.duckdb") as ws:
        with pytest.raises(
            access.AccessDenied, match=r"zhao \(viewer\) may not export: that needs the analyst"
        ):
            access.authorize(ws, access.User("zhao", "viewer"), "export", "case:CASE-0001")
        access.authorize(ws, access.User("qian", "analyst"), "export", "case:CASE-0001")
        logged = [(e["user"], e["action"]) for e in audit.entries(ws)]
    assert logged == [("qian", "export"), ("zhao", "denied:export")]


def test_without_configured_users_the_local_user_is_admin():
    assert access.authenticate(None, None, {}).role == "admin"
