"""A real IMAP server for the tests: Debian's dovecot on loopback with throw-away mailboxes
(../shared/notes/test-servers.md). Each test gets its own mailbox user, so tests never see each
other's mail. Without dovecot the tests that need it are skipped — unless REQUIRE_IMAP=1 (CI),
where a missing server is an error."""

import imaplib
import itertools
import os
import shutil
import socket
import subprocess
import tempfile
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

import pytest

if TYPE_CHECKING:
    from channels_app.mail.imap import MailboxConfig


DOVECOT = shutil.which("dovecot") or "/usr/sbin/dovecot"
PASSWORD = "hemligt"
USERS = 500  # throw-away mailboxes, one per test

CONFIG = """
protocols = imap
listen = 127.0.0.1
base_dir = {dir}/run
state_dir = {dir}/state
log_path = {dir}/dovecot.log
ssl = no
disable_plaintext_auth = no
auth_mechanisms = plain login
mail_location = maildir:{dir}/mail/%u
passdb {{
  driver = passwd-file
  args = scheme=PLAIN username_format=%u {dir}/users
}}
userdb {{
  driver = static
  args = uid=dovecot gid=dovecot home={dir}/mail/%u
}}
service imap-login {{
  inet_listener imap {{
    port = {port}
  }}
}}
default_internal_user = dovecot
default_login_user = dovenull
first_valid_uid = 1
"""


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@dataclass
class ImapServer:
    directory: Path
    port: int
    _users: Iterator[int] = itertools.count(1)

    def new_mailbox(self) -> "Mailbox":
        from channels_app.mail.imap import MailboxConfig

        # The users were all written before the server started (dovecot caches the file by
        # its modification time, which has one-second resolution).
        user = f"kt{next(self._users)}"
        return Mailbox(
            MailboxConfig(
                host="127.0.0.1",
                port=self.port,
                security="none",
                user=user,
                password=PASSWORD,
                quarantine_folder="Karantan",
                attempts=3,
            )
        )


@dataclass
class Mailbox:
    config: "MailboxConfig"

    def _connect(self) -> imaplib.IMAP4:
        conn = imaplib.IMAP4(self.config.host, self.config.port)
        conn.login(self.config.user, self.config.password)
        return conn

    def append(self, raw: bytes, folder: str = "INBOX", date: str | None = None) -> None:
        conn = self._connect()
        try:
            if folder != "INBOX":
                conn.create(folder)
            when = date or imaplib.Time2Internaldate(time.time())
            result = conn.append(folder, "", when, raw)
            assert result[0] == "OK", result
        finally:
            conn.logout()

    def delete_folder(self, folder: str) -> None:
        conn = self._connect()
        try:
            result = conn.delete(folder)
            assert result[0] == "OK", result
        finally:
            conn.logout()

    def flags(self, folder: str = "INBOX") -> list[str]:
        """Each message's flags, in UID order."""
        conn = self._connect()
        try:
            status, _ = conn.select(folder)
            if status != "OK":
                return []
            _, data = conn.uid("FETCH", "1:*", "(FLAGS)")
            return [item.decode() for item in data if item]
        finally:
            conn.logout()

    def count(self, folder: str = "INBOX") -> int:
        conn = self._connect()
        try:
            status, data = conn.select(folder, readonly=True)
            return int(data[0] or 0) if status == "OK" else 0
        finally:
            conn.logout()


@pytest.fixture(scope="session")
def imap_server() -> Iterator[ImapServer]:
    if not Path(DOVECOT).exists() or os.geteuid() != 0:
        if os.environ.get("REQUIRE_IMAP") == "1":
            pytest.fail("dovecot (run as root) is required: apt-get install dovecot-imapd")
        pytest.skip("needs Debian's dovecot-imapd and root to start it")
    directory = Path(tempfile.mkdtemp(prefix="kt-dovecot-"))
    directory.chmod(0o755)
    for sub in ("run", "state", "mail"):
        (directory / sub).mkdir()
    (directory / "users").write_text(
        "".join(f"kt{n}:{{PLAIN}}{PASSWORD}\n" for n in range(1, USERS + 1))
    )
    port = _free_port()
    (directory / "dovecot.conf").write_text(CONFIG.format(dir=directory, port=port))
    shutil.chown(directory / "mail", "dovecot", "dovecot")
    subprocess.run(
        [DOVECOT, "-c", str(directory / "dovecot.conf")],
        stdin=subprocess.DEVNULL,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        check=True,
    )
    for _ in range(50):
        try:
            socket.create_connection(("127.0.0.1", port), timeout=0.2).close()
            break
        except OSError:
            time.sleep(0.1)
    try:
        yield ImapServer(directory, port)
    finally:
        pid = (directory / "run" / "master.pid").read_text().strip()
        subprocess.run(["kill", pid], check=False)
        time.sleep(0.2)
        shutil.rmtree(directory, ignore_errors=True)


@pytest.fixture
def mailbox(imap_server: ImapServer, settings) -> Mailbox:
    """A fresh mailbox; the settings point `fetch_mail` at it."""
    box = imap_server.new_mailbox()
    settings.MAIL_IMAP_HOST = box.config.host
    settings.MAIL_IMAP_PORT = box.config.port
    settings.MAIL_IMAP_SECURITY = "none"
    settings.MAIL_IMAP_USER = box.config.user
    settings.MAIL_IMAP_PASSWORD = box.config.password
    settings.MAIL_FETCH_ATTEMPTS = box.config.attempts
    return box
