"""The users of the steward server: one line each in a file the operator manages.

    python -m orchestration.webserver.users add NAME --role steward|reader   (asks the password)
    python -m orchestration.webserver.users add NAME --role reader --proxy-only
    python -m orchestration.webserver.users passwd NAME
    python -m orchestration.webserver.users remove NAME
    python -m orchestration.webserver.users list

The file is `$VWU_USERS_FILE` (default `$VWU_DATA_DIR/ui_users`), readable by its owner only.
Each line is `name:role:hash`, the hash `scrypt$<n>$<r>$<p>$<salt>$<key>` (standard library
scrypt, a random 16-byte salt per user, base64), or `!` for a user who never logs in with a
password (one known only through a trusted reverse proxy). The password is read from the
terminal, or from standard input with --password-stdin, never from the command line.
"""

from __future__ import annotations

import argparse
import base64
import getpass
import hashlib
import hmac
import os
import re
import secrets
import sys
from dataclasses import dataclass
from enum import StrEnum
from pathlib import Path

from orchestration.settings import Settings

USERS_FILE_ENV = "VWU_USERS_FILE"
NAME_PATTERN = re.compile(r"[a-z0-9][a-z0-9._-]{0,63}")
NO_PASSWORD = "!"
MIN_PASSWORD_LENGTH = 10
# scrypt's recommended interactive cost (2^14, 8, 1): 16 MiB and some tens of ms a login.
SCRYPT_N, SCRYPT_R, SCRYPT_P = 2**14, 8, 1
SCRYPT_MAXMEM = 64 * 1024 * 1024


class Role(StrEnum):
    steward = "steward"  # looks, and launches runs: decisions, the nightly job
    reader = "reader"  # looks; launches nothing


class UsersFileError(ValueError):
    """The users file or a command on it is wrong; the message says what to change."""


@dataclass(frozen=True)
class User:
    name: str
    role: Role
    password_hash: str

    def line(self) -> str:
        return f"{self.name}:{self.role.value}:{self.password_hash}"


def users_file(environ: dict[str, str] | None = None) -> Path:
    env = os.environ if environ is None else environ
    if env.get(USERS_FILE_ENV):
        return Path(env[USERS_FILE_ENV]).resolve()
    return Settings.from_env(env).data_dir / "ui_users"


def _b64(data: bytes) -> str:
    return base64.b64encode(data).decode("ascii")


def hash_password(password: str, salt: bytes | None = None) -> str:
    salt = salt if salt is not None else secrets.token_bytes(16)
    key = hashlib.scrypt(
        password.encode("utf-8"),
        salt=salt,
        n=SCRYPT_N,
        r=SCRYPT_R,
        p=SCRYPT_P,
        maxmem=SCRYPT_MAXMEM,
        dklen=32,
    )
    return f"scrypt${SCRYPT_N}${SCRYPT_R}${SCRYPT_P}${_b64(salt)}${_b64(key)}"


# Compared against when the user does not exist, so an unknown name costs as much as a
# wrong password and the answer time does not tell which names exist.
_DUMMY_HASH = hash_password("no such user", salt=b"\0" * 16)


def verify_password(password: str, password_hash: str) -> bool:
    try:
        scheme, n, r, p, salt, key = password_hash.split("$")
        if scheme != "scrypt":
            return False
        wanted = base64.b64decode(key)
        got = hashlib.scrypt(
            password.encode("utf-8"),
            salt=base64.b64decode(salt),
            n=int(n),
            r=int(r),
            p=int(p),
            maxmem=SCRYPT_MAXMEM,
            dklen=len(wanted),
        )
    except (ValueError, TypeError):
        return False
    return hmac.compare_digest(got, wanted)


def check_name(name: str) -> str:
    if not NAME_PATTERN.fullmatch(name):
        raise UsersFileError(
            f"tên đăng nhập {name!r} không hợp lệ / invalid user name {name!r}: lower-case "
            "letters, digits, '.', '_' or '-', at most 64 characters (e.g. nguyen.thi.lan)"
        )
    return name


def parse_users(text: str, source: Path) -> dict[str, User]:
    users: dict[str, User] = {}
    for number, raw in enumerate(text.splitlines(), start=1):
        line = raw.strip()
        if not line or line.startswith("#"):
            continue
        try:
            name, role, password_hash = line.split(":", 2)
            users[check_name(name)] = User(name, Role(role), password_hash)
        except (ValueError, UsersFileError) as exc:
            raise UsersFileError(f"{source}, line {number}: not name:role:hash ({exc})") from None
    return users


def load_users(path: Path) -> dict[str, User]:
    if not path.exists():
        return {}
    return parse_users(path.read_text(encoding="utf-8"), path)


def save_users(path: Path, users: dict[str, User]) -> None:
    """Written whole beside the file and renamed over it: never half a file, owner-only."""
    path.parent.mkdir(parents=True, exist_ok=True)
    temporary = path.with_name(f".{path.name}.{secrets.token_hex(4)}")
    header = "# name:role:hash - managed by python -m orchestration.webserver.users\n"
    body = "".join(user.line() + "\n" for user in sorted(users.values(), key=lambda u: u.name))
    fd = os.open(temporary, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(fd, "w", encoding="utf-8") as out:
        out.write(header + body)
        out.flush()
        os.fsync(out.fileno())
    os.replace(temporary, path)


def authenticate(users: dict[str, User], name: str, password: str) -> User | None:
    user = users.get(name.strip().lower())
    if user is None or user.password_hash == NO_PASSWORD:
        verify_password(password, _DUMMY_HASH)
        return None
    return user if verify_password(password, user.password_hash) else None


def read_password(from_stdin: bool) -> str:
    if from_stdin:
        password = sys.stdin.readline().rstrip("\r\n")
    else:
        password = getpass.getpass("Mật khẩu / password: ")
        if getpass.getpass("Nhập lại / again: ") != password:
            raise UsersFileError("hai mật khẩu khác nhau / the two passwords differ")
    if len(password) < MIN_PASSWORD_LENGTH:
        raise UsersFileError(
            f"mật khẩu quá ngắn / password too short: at least {MIN_PASSWORD_LENGTH} characters"
        )
    return password


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="python -m orchestration.webserver.users",
        description="Manage the steward server's users file.",
    )
    parser.add_argument("--file", type=Path, help="the users file (default: %(default)s)")
    commands = parser.add_subparsers(dest="command", required=True)
    add = commands.add_parser("add", help="add a user, or change an existing user's role")
    add.add_argument("name")
    add.add_argument("--role", choices=[r.value for r in Role], required=True)
    add.add_argument("--proxy-only", action="store_true", help="no password: proxy login only")
    add.add_argument("--password-stdin", action="store_true")
    passwd = commands.add_parser("passwd", help="set a user's password")
    passwd.add_argument("name")
    passwd.add_argument("--password-stdin", action="store_true")
    remove = commands.add_parser("remove", help="remove a user (their sessions end at once)")
    remove.add_argument("name")
    commands.add_parser("list", help="list the users and their roles")
    return parser


def run(argv: list[str]) -> str:
    args = _parser().parse_args(argv)
    path = args.file.resolve() if args.file else users_file()
    users = load_users(path)
    if args.command == "list":
        return "\n".join(f"{u.name}\t{u.role.value}" for u in users.values()) or "(no users)"
    name = check_name(args.name)
    if args.command == "remove":
        if users.pop(name, None) is None:
            raise UsersFileError(f"không có người dùng / no user {name} in {path}")
        save_users(path, users)
        return f"removed {name} from {path}"
    if args.command == "passwd":
        if name not in users:
            raise UsersFileError(f"không có người dùng / no user {name} in {path}")
        users[name] = User(
            name, users[name].role, hash_password(read_password(args.password_stdin))
        )
        save_users(path, users)
        return f"password of {name} changed in {path}"
    hashed = NO_PASSWORD if args.proxy_only else hash_password(read_password(args.password_stdin))
    users[name] = User(name, Role(args.role), hashed)
    save_users(path, users)
    return f"{name} ({args.role}) saved in {path}"


def main(argv: list[str]) -> int:
    try:
        print(run(argv))
    except UsersFileError as exc:
        print(f"Error: {exc}", file=sys.stderr)
        return 2
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
