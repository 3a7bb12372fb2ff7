"""Users, roles and what each role may do.

Users come from a config file: the ``[users.NAME]`` tables of ``graphtool.toml``, or of a separate
file named by ``users_file`` there or by ``$GRAPHTOOL_USERS``. Each has a ``role`` and a
``password_hash`` (scrypt with a random salt, made by ``graphtool user hash``); a plain-text
``password`` is refused. Roles are ordered (``schema/roles.yaml``); an action names the least role
allowed. With no users configured the tool runs in single-user mode: the person at the keyboard is
an admin, as with any local file they own.
"""

from __future__ import annotations

import base64
import getpass
import hashlib
import hmac
import os
import secrets
from collections.abc import Mapping
from dataclasses import dataclass
from functools import cache
from importlib import resources
from pathlib import Path
from typing import Any

import yaml

from graphtool import audit
from graphtool.config import CONFIG_FILE, ConfigError, read_config_file
from graphtool.errors import GraphtoolError
from graphtool.workspace import Workspace

SCRYPT = {"n": 2**14, "r": 8, "p": 1}  # ~50 ms and 16 MiB per check: slow for guessing, fine for a login


class AccessDenied(GraphtoolError):
    """Unknown user, wrong password, or a role too low for the action."""


@dataclass(frozen=True)
class Policy:
    roles: tuple[str, ...]
    actions: dict[str, str]

    def rank(self, role: str) -> int:
        if role not in self.roles:
            raise ConfigError(f"unknown role {role!r}; roles are {', '.join(self.roles)}")
        return self.roles.index(role)


@cache
def policy() -> Policy:
    doc = yaml.safe_load(
        resources.files("graphtool.schema").joinpath("roles.yaml").read_text(encoding="utf-8")
    )
    return Policy(tuple(doc["roles"]), dict(doc["actions"]))


@dataclass(frozen=True)
class User:
    name: str
    role: str

    def may(self, action: str) -> bool:
        rules = policy()
        if action not in rules.actions:
            raise GraphtoolError(f"unknown action {action!r}; known: {', '.join(rules.actions)}")
        return rules.rank(self.role) >= rules.rank(rules.actions[action])


@dataclass(frozen=True)
class Account:
    role: str
    password_hash: str = ""


# ------------------------------------------------------------------------------------------ passwords


def _b64(data: bytes) -> str:
    return base64.b64encode(data).decode("ascii")


def hash_password(password: str, salt: bytes | None = None) -> str:
    """``scrypt$n$r$p$salt$hash`` (base64): everything needed to check it again, nothing to reverse it."""
    salt = salt or secrets.token_bytes(16)
    digest = hashlib.scrypt(password.encode("utf-8"), salt=salt, dklen=32, **SCRYPT)
    return f"scrypt${SCRYPT['n']}${SCRYPT['r']}${SCRYPT['p']}${_b64(salt)}${_b64(digest)}"


def check_password(password: str, stored: str) -> bool:
    try:
        scheme, n, r, p, salt, digest = stored.split("$")
        if scheme != "scrypt":
            return False
        found = hashlib.scrypt(
            password.encode("utf-8"), salt=base64.b64decode(salt), n=int(n), r=int(r), p=int(p), dklen=32
        )
    except ValueError:
        return False
    return hmac.compare_digest(found, base64.b64decode(digest))


# --------------------------------------------------------------------------------------------- config


def _accounts(section: Any, where: str) -> dict[str, Account]:
    if not isinstance(section, dict):
        raise ConfigError(f"{where}: [users] must be a table of [users.NAME] tables")
    accounts = {}
    for name, spec in section.items():
        if not isinstance(spec, dict):
            raise ConfigError(f"{where}: [users.{name}] must be a table with role and password_hash")
        if "password" in spec:
            raise ConfigError(
                f"{where}: [users.{name}] has a plain-text password; replace it with password_hash "
                "(make one with: graphtool user hash)"
            )
        role = spec.get("role")
        if not isinstance(role, str) or not spec.get("password_hash"):
            raise ConfigError(f"{where}: [users.{name}] needs role and password_hash")
        if role not in policy().roles:
            raise ConfigError(
                f"{where}: [users.{name}] role {role!r} is not one of {', '.join(policy().roles)}"
            )
        if not str(spec["password_hash"]).startswith("scrypt$"):
            raise ConfigError(f"{where}: [users.{name}] password_hash is not a graphtool scrypt hash")
        accounts[name] = Account(role, spec["password_hash"])
    return accounts


def load_users(env: Mapping[str, str] | None = None, config_path: Path | None = None) -> dict[str, Account]:
    """The configured accounts; empty when none are configured (single-user mode)."""
    env = os.environ if env is None else env
    path = config_path or Path(env.get("GRAPHTOOL_CONFIG", CONFIG_FILE))
    config = read_config_file(path) if path.exists() else {}
    users_file = env.get("GRAPHTOOL_USERS") or config.get("users_file")
    if users_file:
        users_path = Path(users_file)
        if not users_path.is_absolute() and not env.get("GRAPHTOOL_USERS"):
            users_path = path.parent / users_path
        if not users_path.exists():
            raise ConfigError(f"users file {users_path} does not exist")
        return _accounts(read_config_file(users_path).get("users", {}), str(users_path))
    return _accounts(config.get("users", {}), str(path))


def _os_user() -> str:
    try:
        return getpass.getuser()
    except (KeyError, OSError):
        return "local"


def authenticate(name: str | None, password: str | None, accounts: Mapping[str, Account]) -> User:
    """The signed-in user; in single-user mode (no accounts) the local user as admin."""
    if not accounts:
        return User(name or _os_user(), "admin")
    account = accounts.get(name or "")
    if account is None or password is None or not check_password(password, account.password_hash):
        raise AccessDenied("unknown user or wrong password")  # one message: which one is not told
    return User(name or "", account.role)


def require(user: User, action: str) -> None:
    if not user.may(action):
        least = policy().actions[action]
        raise AccessDenied(
            f"{user.name} ({user.role}) may not {action.replace('_', ' ')}: that needs the {least} role "
            "or higher"
        )


def authorize(
    ws: Workspace | None, user: User, action: str, target: str = "", details: dict[str, Any] | None = None
) -> None:
    """``require`` and write the attempt (allowed or denied) to the audit log of ``ws``."""
    allowed = user.may(action)
    if ws is not None:
        audit.record(ws, user.name, action if allowed else f"denied:{action}", target, details)
    require(user, action)
