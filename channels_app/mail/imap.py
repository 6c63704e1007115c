"""Fetching the contact centre's mailbox over IMAP (standard library `imaplib`), ADR 0009.

Per run: log in, select the folder, read UIDVALIDITY (a rebuilt mailbox gets a new one; its
messages are then recognised by Message-ID/content and not ingested again), list the messages
without the processed keyword, and for each: fetch it without marking it read
(`BODY.PEEK[]`), ingest it (one committed transaction), and only then set the processed
keyword. A crash between commit and flag leaves the message unflagged; the next run ingests
it again, finds it stored, and flags it — nothing lost, nothing twice.

A message that fails to process is recorded in `QuarantinedMail` with its error and retried on
the next runs; after `MAIL_FETCH_ATTEMPTS` failures it is moved to the quarantine folder. Every
other message is still ingested.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import email.utils
import imaplib
import logging
import re
from collections.abc import Callable
from dataclasses import dataclass, field

from django.conf import settings
from django.utils import timezone

from channels_app.mail.intake import mail_ingest
from channels_app.models import MailboxState, QuarantinedMail

logger = logging.getLogger(__name__)

UIDVALIDITY = re.compile(rb"UIDVALIDITY (\d+)")
INTERNALDATE = re.compile(rb'INTERNALDATE "([^"]+)"')


@dataclass(frozen=True)
class MailboxConfig:
    host: str
    port: int
    security: str  # ssl | starttls | none
    user: str
    password: str
    folder: str = "INBOX"
    quarantine_folder: str = "Karantan"
    processed_flag: str = "KundtjanstProcessed"
    attempts: int = 3

    @property
    def key(self) -> str:
        return f"{self.user}@{self.host}:{self.port}/{self.folder}"

    @classmethod
    def from_settings(cls) -> MailboxConfig:
        return cls(
            host=settings.MAIL_IMAP_HOST,
            port=settings.MAIL_IMAP_PORT,
            security=settings.MAIL_IMAP_SECURITY,
            user=settings.MAIL_IMAP_USER,
            password=settings.MAIL_IMAP_PASSWORD,
            folder=settings.MAIL_IMAP_FOLDER,
            quarantine_folder=settings.MAIL_IMAP_QUARANTINE_FOLDER,
            processed_flag=settings.MAIL_IMAP_PROCESSED_FLAG,
            attempts=settings.MAIL_FETCH_ATTEMPTS,
        )


@dataclass
class FetchReport:
    ingested: int = 0
    already_stored: int = 0
    failed: int = 0
    quarantined: int = 0
    errors: list[str] = field(default_factory=list)


def connect(config: MailboxConfig) -> imaplib.IMAP4:
    if config.security == "ssl":
        conn: imaplib.IMAP4 = imaplib.IMAP4_SSL(config.host, config.port, timeout=60)
    else:
        conn = imaplib.IMAP4(config.host, config.port, timeout=60)
        if config.security == "starttls":
            conn.starttls()
    conn.login(config.user, config.password)
    return conn


def _quote(folder: str) -> str:
    return '"' + folder.replace("\\", "\\\\").replace('"', '\\"') + '"'


def _check(result: tuple[str, list], what: str) -> list:
    status, data = result
    if status != "OK":
        raise imaplib.IMAP4.error(f"{what}: {status} {data!r}")
    return data


def _internal_date(meta: bytes) -> dt.datetime | None:
    found = INTERNALDATE.search(meta)
    if not found:
        return None
    try:
        return email.utils.parsedate_to_datetime(found.group(1).decode()).astimezone(dt.UTC)
    except (TypeError, ValueError):
        return None


def mark_processed(conn: imaplib.IMAP4, uid: str, config: MailboxConfig) -> None:
    """Flag a committed message as done (the step a crash may separate from the commit)."""
    _check(conn.uid("STORE", uid, "+FLAGS", f"({config.processed_flag})"), "flag")


def _move_to_quarantine(conn: imaplib.IMAP4, uid: str, config: MailboxConfig) -> None:
    folder = _quote(config.quarantine_folder)
    conn.create(folder)  # fails harmlessly when it exists
    _check(conn.uid("COPY", uid, folder), "copy to quarantine")
    _check(conn.uid("STORE", uid, "+FLAGS", "(\\Deleted)"), "delete after copy")
    if "UIDPLUS" in conn.capabilities:
        conn.uid("EXPUNGE", uid)
    else:
        conn.expunge()


def _failed(
    conn: imaplib.IMAP4,
    config: MailboxConfig,
    uidvalidity: int,
    uid: str,
    raw: bytes | None,
    error: str,
    report: FetchReport,
) -> None:
    now = timezone.now()
    headers = _headers(raw)
    row, created = QuarantinedMail.objects.get_or_create(
        mailbox=config.key,
        uidvalidity=uidvalidity,
        uid=int(uid),
        defaults={
            "error": error,
            "first_failed_at": now,
            "last_failed_at": now,
            **headers,
        },
    )
    if not created:
        row.attempts += 1
        row.error = error
        row.last_failed_at = now
        row.save(update_fields=["attempts", "error", "last_failed_at"])
    report.failed += 1
    report.errors.append(f"UID {int(uid)}: {error}")
    if row.attempts >= config.attempts and row.moved_at is None:
        try:
            _move_to_quarantine(conn, uid, config)
        except (imaplib.IMAP4.error, OSError) as exc:
            report.errors.append(f"UID {int(uid)}: could not move to quarantine: {exc}")
            return
        row.moved_at = timezone.now()
        row.save(update_fields=["moved_at"])
        report.quarantined += 1


def _headers(raw: bytes | None) -> dict[str, str]:
    """Message-ID, subject and sender for the quarantine list, read defensively."""
    if not raw:
        return {}
    try:
        message = email.message_from_bytes(raw[:65536])
        return {
            "message_id": str(message.get("Message-ID", ""))[:998],
            "subject": str(message.get("Subject", ""))[:1000],
            "from_address": str(message.get("From", ""))[:320],
        }
    except Exception:  # noqa: BLE001 - the quarantine list must never fail on a header
        return {}


def fetch_once(
    config: MailboxConfig | None = None,
    *,
    ingest: Callable[..., object] = mail_ingest,
) -> FetchReport:
    """One pass over the mailbox (see the module notes)."""
    config = config or MailboxConfig.from_settings()
    state, _ = MailboxState.objects.get_or_create(mailbox=config.key)
    state.last_attempt_at = timezone.now()
    state.save(update_fields=["last_attempt_at"])
    report = FetchReport()
    try:
        conn = connect(config)
    except (TimeoutError, imaplib.IMAP4.error, OSError) as exc:
        state.last_error = f"Kunde inte ansluta: {exc}"
        state.save(update_fields=["last_error"])
        raise
    try:
        _check(conn.select(_quote(config.folder)), "select")
        uidvalidity = _uidvalidity(conn, config.folder)
        if state.uidvalidity != uidvalidity:
            # A new or rebuilt mailbox: its messages are matched by Message-ID/content on
            # ingest, so nothing already ingested becomes a case again.
            state.uidvalidity = uidvalidity
        data = _check(conn.uid("SEARCH", "UNKEYWORD", config.processed_flag), "search")
        uids = [uid.decode() for uid in data[0].split()] if data and data[0] else []
        for uid in uids:
            _one(conn, config, uidvalidity, uid, ingest, report)
        state.last_success_at = timezone.now()
        state.last_error = ""
    except (imaplib.IMAP4.error, OSError) as exc:
        state.last_error = str(exc)
        raise
    finally:
        state.save(update_fields=["uidvalidity", "last_success_at", "last_error"])
        with contextlib.suppress(imaplib.IMAP4.error, OSError):
            conn.logout()
    return report


def _uidvalidity(conn: imaplib.IMAP4, folder: str) -> int:
    _typ, data = conn.response("UIDVALIDITY")
    if data and data[0]:
        return int(data[0])
    status = _check(conn.status(_quote(folder), "(UIDVALIDITY)"), "status")
    found = UIDVALIDITY.search(status[0] or b"")
    return int(found.group(1)) if found else 0


def _one(
    conn: imaplib.IMAP4,
    config: MailboxConfig,
    uidvalidity: int,
    uid: str,
    ingest: Callable[..., object],
    report: FetchReport,
) -> None:
    raw: bytes | None = None
    try:
        data = _check(conn.uid("FETCH", uid, "(INTERNALDATE BODY.PEEK[])"), "fetch")
        part = next((item for item in data if isinstance(item, tuple)), None)
        if part is None:
            raise ValueError("the server returned no message body")
        meta, raw = part[0], part[1]
        result = ingest(raw, internal_date=_internal_date(meta))
    except (imaplib.IMAP4.abort, OSError):
        raise  # the connection is gone: stop this run, the next one carries on
    except Exception as exc:  # noqa: BLE001 - one bad message must never block the rest
        logger.exception("message UID %s could not be ingested", int(uid))
        _failed(conn, config, uidvalidity, uid, raw, f"{type(exc).__name__}: {exc}", report)
        return
    mark_processed(conn, uid, config)
    if getattr(result, "created", True):
        report.ingested += 1
    else:
        report.already_stored += 1
    QuarantinedMail.objects.filter(
        mailbox=config.key, uidvalidity=uidvalidity, uid=int(uid), resolved_at__isnull=True
    ).update(resolved_at=timezone.now())
