"""Read one inbound e-mail into what the contact centre's intake needs: `parse_message`.

`parse_message(raw, internal_date=…, own_hosts=…)` never raises. Whatever arrives – garbage
bytes, truncated MIME, broken boundaries, raw 8-bit headers, a 100 kB subject – becomes a
`ParsedMail` with what could be read, and `problems` lists what could not (non-fatal, for the
agent and the logs). Every contact must reach the case log, so a best effort beats a bounce.

Structure
    The stdlib parser with `email.policy.default`; `compat32` where that raises; only the
    headers where both raise. Header values and MIME parameters are then read from the raw
    header lines and decoded here (parameters with the compat32 rules, encoded words by a small
    RFC 2047 decoder): the modern header classes replace raw 8-bit bytes and unknown charsets
    with U+FFFD, which loses "Räkning.pdf" and "Fråga om bygglov" from real clients. Adjacent
    encoded words of one charset are joined before decoding, so a character split across two
    words survives. Header lines without a colon inside the header block are joined to the
    previous header instead of ending the headers early.

Received time (`received_at`)
    The time the message reached the municipality: the date of the earliest `Received:` header
    (the last in the block, since relays prepend) whose `by` host matches the regular expression
    `own_hosts` (case-insensitive); if none matches or `own_hosts` is empty, the topmost
    `Received:` header's date; else `internal_date` (the IMAP INTERNALDATE); else now, with a
    problem. A Received date is the text after its last ";". The sender's `Date:` is never used:
    it is the sender's clock and is kept only as `date_header`. Every datetime is aware, in UTC.

Kind
    First match wins: "bounce" (multipart/report with report-type=delivery-status, a
    message/delivery-status part, X-Failed-Recipients, or a mailer-daemon/postmaster sender with
    a non-delivery subject); "read_receipt" (report-type=disposition-notification); "auto_reply"
    (Auto-Submitted other than "no", X-Autoreply, X-Autorespond, Precedence: auto_reply, or an
    out-of-office subject together with Precedence bulk/junk/list – never the subject alone);
    "spam" (X-Spam-Flag: YES, X-Spam-Status: Yes…, X-Spam: yes); "bulk" (Precedence
    bulk/list/junk, List-Id, List-Unsubscribe); else "citizen".

Bodies
    `text` is the text/plain body (format=flowed joined); if it is empty, text derived from the
    sanitised HTML (block elements become line breaks, entities decoded, link targets kept).
    `html` is the text/html body sanitised with nh3: no scripts, styles, event handlers, images
    or non-http(s)/mailto/tel links. Charsets: the declared one if the bytes fit it; text
    declared as ASCII/Latin-1/Windows-1252 that is valid UTF-8 is read as UTF-8; anything else
    falls back to Windows-1252 byte by byte, with a problem. Line endings become "\\n" and
    trailing whitespace is stripped. A forwarded message (message/rfc822) is appended to `text`
    under FORWARDED_SEPARATOR with its From/Date/Subject/To; its attachments are attachments.
    Attachments are parts with Content-Disposition: attachment, non-text parts with a filename,
    and unnamed non-text parts that are not inline resources of the HTML (Content-ID or
    disposition inline), so that no unnamed PDF is dropped. Signatures (PGP, S/MIME) are skipped.

References
    `case_tag` is the exact "[KT-YYYY-NNNNNN]" in the subject (the first). `suggested_refs` are
    other reference-like strings in the subject and text ("KT 2026-123", "kt-2026-000123",
    "Ärende KT2026000123", "ärendenummer 2026-123"), normalised to "KT-YYYY-NNNNNN", without the
    case tag itself: suggestions for an agent to confirm, never links.
    For a bounce, `bounced_message_ids` are the Message-IDs of the original from the report's
    message/rfc822 or text/rfc822-headers part; else In-Reply-To (or the last References entry:
    the older ones are earlier messages of the thread, not the one that bounced); else
    "Message-ID:" lines of a copy quoted in the bounce text.

Duplicates
    `content_hash` is a SHA-256 over the decoded From, To, Cc, Date and Subject, the text and
    the attachment bytes: the same message delivered twice with different Received:/transport
    headers has the same hash.
"""

from __future__ import annotations

import base64
import binascii
import codecs
import hashlib
import itertools
import logging
import re
from collections import Counter
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime
from email import policy
from email.message import Message
from email.parser import BytesHeaderParser, BytesParser
from email.utils import getaddresses, parsedate_to_datetime
from html import unescape
from html.parser import HTMLParser

import nh3

__all__ = ["FORWARDED_SEPARATOR", "KINDS", "MailAttachment", "ParsedMail", "parse_message"]

logger = logging.getLogger(__name__)

KINDS = ("citizen", "auto_reply", "bounce", "read_receipt", "bulk", "spam")
FORWARDED_SEPARATOR = "---------- Vidarebefordrat meddelande ----------"
MAX_NESTING = 20  # MIME levels and forwarded messages; deeper parts are skipped with a problem
MAX_PROBLEMS = 50


@dataclass(frozen=True)
class MailAttachment:
    filename: str  # decoded (RFC 2231/2047), path separators stripped; "bilaga-N" if none
    content_type: str  # lower-case, e.g. "application/pdf"
    data: bytes


@dataclass(frozen=True)
class ParsedMail:
    message_id: str  # "<local@domain>", no whitespace; "" if missing or garbage
    in_reply_to: tuple[str, ...]  # normalised message ids
    references: tuple[str, ...]  # normalised message ids, in header order
    subject: str  # decoded, unfolded, whitespace collapsed (any length)
    from_address: str  # lower-case addr-spec; "" if unreadable
    from_name: str
    to: tuple[str, ...]  # lower-case addr-specs
    cc: tuple[str, ...]
    date_header: datetime | None  # the sender's Date: (UTC); never the received time
    received_at: datetime  # UTC, from the Received: chain (see the module docstring)
    kind: str  # one of KINDS
    text: str  # the plain body, or text from the sanitised HTML
    html: str  # the sanitised text/html body; "" if none
    attachments: tuple[MailAttachment, ...]
    bounced_message_ids: tuple[str, ...]  # for kind "bounce": the original's Message-IDs
    content_hash: str  # SHA-256 hex; equal for the same message delivered twice
    case_tag: str  # "KT-YYYY-NNNNNN" from an exact "[KT-YYYY-NNNNNN]" in the subject; or ""
    suggested_refs: tuple[str, ...]  # other references found, normalised; to be confirmed
    problems: tuple[str, ...]  # non-fatal, human-readable


def parse_message(
    raw: bytes, *, internal_date: datetime | None = None, own_hosts: str = ""
) -> ParsedMail:
    """The message in `raw` as far as it can be read; never raises (see the module docstring)."""
    problems = _Problems()
    try:
        return _parse(
            bytes(raw), internal_date=internal_date, own_hosts=own_hosts, problems=problems
        )
    except Exception as error:  # a parser bug must not stop the intake of the rest of the mailbox
        logger.exception("E-mail parser failed; the message is kept with its raw text")
        problems.add(f"internal parser error ({type(error).__name__}); only the raw text was kept")
        return _unreadable(raw, internal_date=internal_date, problems=problems)


def _parse(
    raw: bytes, *, internal_date: datetime | None, own_hosts: str, problems: _Problems
) -> ParsedMail:
    if not raw.strip():
        problems.add("empty message")
    message = _parse_tree(_repair_header_block(raw, problems), problems)
    headers = _Headers(message)
    subject = _header_text(headers, "subject", problems)
    from_address, from_name = _sender(headers, problems)
    to = _address_list(headers, "to", problems)
    cc = _address_list(headers, "cc", problems)
    date_header, date_text = _date_header(headers, problems)
    in_reply_to = tuple(_message_ids(headers.all("in-reply-to")))
    references = tuple(_message_ids(headers.all("references")))

    content = _Content()
    _walk(message, content, problems, depth=0)
    html = _sanitise_html(content.html, problems)
    text = _compose_text(content, html, problems)
    attachments = _named_attachments(content.all_attachments())

    report_type = _report_type(message, problems)
    kind = _classify(headers, report_type, subject, from_address, from_name, content)
    case_tag = _case_tag(subject)
    return ParsedMail(
        message_id=_message_id(headers, problems),
        in_reply_to=in_reply_to,
        references=references,
        subject=subject,
        from_address=from_address,
        from_name=from_name,
        to=to,
        cc=cc,
        date_header=date_header,
        received_at=_received_at(headers, own_hosts, internal_date, problems),
        kind=kind,
        text=text,
        html=html,
        attachments=attachments,
        bounced_message_ids=(
            _bounced_ids(content, in_reply_to, references, text) if kind == "bounce" else ()
        ),
        content_hash=_content_hash(
            (from_name, from_address, ",".join(to), ",".join(cc)),
            date_header.isoformat() if date_header else date_text,
            subject,
            text,
            attachments,
        ),
        case_tag=case_tag,
        suggested_refs=_suggested_refs(subject, text, case_tag),
        problems=problems.as_tuple(),
    )


def _unreadable(raw: object, *, internal_date: datetime | None, problems: _Problems) -> ParsedMail:
    """The last resort when parsing failed: the raw bytes as text, nothing else."""
    data = bytes(raw) if isinstance(raw, bytes | bytearray | memoryview) else b""
    text = _tidy(_decode_cp1252(data))
    received_at = _as_utc(internal_date) if internal_date else datetime.now(UTC)
    return ParsedMail(
        message_id="",
        in_reply_to=(),
        references=(),
        subject="",
        from_address="",
        from_name="",
        to=(),
        cc=(),
        date_header=None,
        received_at=received_at,
        kind="citizen",
        text=text,
        html="",
        attachments=(),
        bounced_message_ids=(),
        content_hash=hashlib.sha256(data).hexdigest(),
        case_tag="",
        suggested_refs=(),
        problems=problems.as_tuple(),
    )


# --- Problems and small text helpers -------------------------------------------------------


class _Problems:
    """Non-fatal problems, each once, in the order they were met."""

    def __init__(self) -> None:
        self._items: list[str] = []

    def add(self, text: str) -> None:
        text = _scrub(text)
        if text not in self._items and len(self._items) < MAX_PROBLEMS:
            self._items.append(text)

    def as_tuple(self) -> tuple[str, ...]:
        return tuple(self._items)


_SURROGATES = re.compile(r"[\ud800-\udfff]")
_CONTROL_CHARACTERS = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")
_LINE_BREAK = re.compile(r"\r\n|\r|\n")
_WHITESPACE = re.compile(r"\s+")
_BLANK_LINE_RUNS = re.compile(r"\n{3,}")


def _scrub(text: str) -> str:
    """Without lone surrogates (they cannot be stored) and control characters except tab/CR/LF."""
    return _CONTROL_CHARACTERS.sub("", _SURROGATES.sub("\ufffd", text))


def _collapse(text: str) -> str:
    return " ".join(_scrub(text).split())


def _unfold(value: str) -> str:
    return _LINE_BREAK.sub("", value)


def _excerpt(text: str, limit: int = 80) -> str:
    text = _collapse(text)
    return text if len(text) <= limit else text[: limit - 1] + "…"


def _tidy(text: str) -> str:
    """Text with "\\n" line endings, no trailing whitespace and no blank lines around."""
    lines = _LINE_BREAK.sub("\n", _scrub(text)).split("\n")
    return "\n".join(line.rstrip() for line in lines).strip("\n")


# --- Charsets ------------------------------------------------------------------------------

_CHARSET_ALIASES = {
    "unicode-1-1-utf-7": "utf-7",
    "ks_c_5601-1987": "cp949",
    "gb2312": "gb18030",
    "gbk": "gb18030",
    "iso-8859-8-i": "iso8859-8",
    "x-sjis": "shift_jis",
    "windows-874": "cp874",
    "x-mac-roman": "mac-roman",
    "macintosh": "mac-roman",
}
_WESTERN_SINGLE_BYTE = frozenset({"ascii", "iso8859-1", "cp1252", "iso8859-15"})
_NOT_MAIL_CODECS = frozenset(
    {"undefined", "unicode-escape", "raw-unicode-escape", "idna", "punycode"}
)
_CP1252_FALLBACK = "kundtjanst-mail-cp1252"


def _cp1252_table() -> dict[int, str]:
    table = {}
    for byte in range(0x80, 0xA0):
        try:
            table[byte] = bytes([byte]).decode("cp1252")
        except UnicodeDecodeError:
            continue  # five bytes Windows-1252 leaves undefined keep their Latin-1 meaning
    return table


_CP1252_TABLE = _cp1252_table()


def _decode_cp1252(data: bytes) -> str:
    """Windows-1252 that never fails: Latin-1 for the bytes Windows-1252 does not define."""
    return data.decode("latin-1").translate(_CP1252_TABLE)


def _cp1252_for_invalid_bytes(error: UnicodeError) -> tuple[str, int]:
    if not isinstance(error, UnicodeDecodeError):
        raise error
    return _decode_cp1252(error.object[error.start : error.end]), error.end


codecs.register_error(_CP1252_FALLBACK, _cp1252_for_invalid_bytes)


def _codec(label: str) -> str | None:
    """Python's codec for a MIME charset label; None if there is no usable one."""
    label = label.strip().strip("\"'").lower().split("*", 1)[0]  # RFC 2231: "utf-8*sv"
    if not label:
        return None
    try:
        name = codecs.lookup(_CHARSET_ALIASES.get(label, label)).name
    except (LookupError, ValueError, TypeError):
        return None
    return None if name in _NOT_MAIL_CODECS else name


def _is_utf8(data: bytes) -> bool:
    try:
        data.decode("utf-8")
    except UnicodeDecodeError:
        return False
    return True


def _decode_bytes(data: bytes, charset: str | None, problems: _Problems, where: str) -> str:
    """`data` as text: the declared charset where the bytes fit it (see the module docstring)."""
    if data.startswith(codecs.BOM_UTF8):
        return _decode_utf8(data[3:], problems, where)
    label = (charset or "").strip().strip("\"'").lower()
    codec = _codec(label)
    if label and codec is None:
        problems.add(f"{where}: unknown charset {label!r}")
    if codec is None or codec in _WESTERN_SINGLE_BYTE:
        return _decode_western(data, codec, label, problems, where)
    if codec == "utf-8":
        return _decode_utf8(data, problems, where)
    try:
        return data.decode(codec)
    except (UnicodeError, LookupError):
        problems.add(f"{where}: bytes that are not {label} were replaced")
    try:
        return data.decode(codec, "replace")
    except (UnicodeError, LookupError):
        return _decode_cp1252(data)


def _decode_western(
    data: bytes, codec: str | None, label: str, problems: _Problems, where: str
) -> str:
    if data.isascii():
        return data.decode("ascii")
    if _is_utf8(data):
        if codec is not None or not label:
            declared = f"declared {label}" if label else "no charset declared"
            problems.add(f"{where}: {declared}, but the text is UTF-8; read as UTF-8")
        return data.decode("utf-8")
    if codec in (None, "ascii"):
        problems.add(f"{where}: 8-bit text without a usable charset; read as Windows-1252")
    if codec == "iso8859-15":
        return data.decode("iso8859-15")
    return _decode_cp1252(data)  # Latin-1 labels too: senders mean Windows-1252 (as browsers do)


def _decode_utf8(data: bytes, problems: _Problems, where: str) -> str:
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        problems.add(f"{where}: invalid UTF-8 bytes read as Windows-1252")
        return data.decode("utf-8", _CP1252_FALLBACK)


def _repair_8bit(value: str, problems: _Problems, where: str) -> str:
    """Header text with raw 8-bit bytes (kept by the parser as surrogate escapes) decoded:
    UTF-8 is allowed (RFC 6532); anything else is read as Windows-1252."""
    if not _SURROGATES.search(value):
        return value
    try:
        data = value.encode("utf-8", "surrogateescape")
    except UnicodeEncodeError:
        return _SURROGATES.sub("\ufffd", value)
    if _is_utf8(data):
        return data.decode("utf-8")
    problems.add(f"{where}: raw 8-bit characters that are not UTF-8; read as Windows-1252")
    return data.decode("utf-8", _CP1252_FALLBACK)


# --- Encoded words (RFC 2047) --------------------------------------------------------------

_ENCODED_WORD = re.compile(r"=\?([^?\s]+)\?([QqBb])\?([^?]*)\?=")
_UNTERMINATED_WORD = re.compile(r"=\?([^?\s]+)\?([QqBb])\?([^?\s]*)\s*$")
_NOT_BASE64 = re.compile(r"[^A-Za-z0-9+/]")


def _decode_encoded_words(text: str, problems: _Problems, where: str) -> str:
    if "=?" not in text:
        return text
    out: list[str] = []
    run: list[tuple[str, bytes]] = []  # adjacent encoded words, decoded together
    position = 0
    for match in _ENCODED_WORD.finditer(text):
        between = text[position : match.start()]
        if between and not (run and between.isspace()):  # RFC 2047 §6.2: drop the space
            out.append(_decode_run(run, problems, where))
            run = []
            out.append(between)
        charset, encoding, payload = match.groups()
        run.append((charset, _word_bytes(encoding, payload, problems, where)))
        position = match.end()
    rest = text[position:]
    unterminated = _UNTERMINATED_WORD.search(rest)
    if unterminated:  # often a subject cut off by a gateway: decode what is there
        problems.add(f"{where}: unterminated encoded word")
        if rest[: unterminated.start()]:
            out.append(_decode_run(run, problems, where))
            run = []
            out.append(rest[: unterminated.start()])
        charset, encoding, payload = unterminated.groups()
        run.append((charset, _word_bytes(encoding, payload, problems, where)))
        rest = ""
    out.append(_decode_run(run, problems, where))
    out.append(rest)
    return "".join(out)


def _word_bytes(encoding: str, payload: str, problems: _Problems, where: str) -> bytes:
    if encoding in "Qq":
        return binascii.a2b_qp(payload.encode("utf-8", "surrogateescape"), header=True)
    letters = _NOT_BASE64.sub("", payload)
    if len(letters) % 4 == 1:  # a lone sextet carries no byte
        problems.add(f"{where}: damaged base64 encoded word")
        letters = letters[:-1]
    try:
        return base64.b64decode(letters + "=" * (-len(letters) % 4))
    except (binascii.Error, ValueError):
        problems.add(f"{where}: undecodable base64 encoded word")
        return b""


def _decode_run(run: list[tuple[str, bytes]], problems: _Problems, where: str) -> str:
    """Adjacent words of one charset are joined first: a character may span two words."""
    decoded = []
    for charset, words in itertools.groupby(run, key=lambda word: word[0].lower()):
        data = b"".join(word_bytes for _, word_bytes in words)
        decoded.append(_decode_bytes(data, charset, problems, where))
    return "".join(decoded)


# --- Headers -------------------------------------------------------------------------------


_TOKEN_END = re.compile(r"[\s;(]+")


class _Headers:
    """One message's raw header values by lower-case name; decoding is left to the readers."""

    def __init__(self, message: Message) -> None:
        self._values: dict[str, list[str]] = {}
        try:
            items = list(message.raw_items())
        except Exception:  # raw_items reads no policy code; this is only belt and braces
            items = []
        for name, value in items:
            self._values.setdefault(str(name).strip().lower(), []).append(str(value))

    def all(self, name: str) -> list[str]:
        return self._values.get(name, [])

    def first(self, name: str) -> str | None:
        values = self._values.get(name)
        return values[0] if values else None

    def has(self, name: str) -> bool:
        return name in self._values

    def token(self, name: str) -> str:
        """The first value's first word, lower-case, without comments: "auto-replied"."""
        value = self.first(name)
        if value is None:
            return ""
        return _TOKEN_END.split(_collapse(_unfold(value)).lower(), maxsplit=1)[0]


def _decode_text_header(value: str, problems: _Problems, where: str) -> str:
    text = _repair_8bit(_unfold(value), problems, where)
    return _collapse(_decode_encoded_words(text, problems, where))


def _header_text(headers: _Headers, name: str, problems: _Problems) -> str:
    value = headers.first(name)
    return "" if value is None else _decode_text_header(value, problems, name.capitalize())


_ADDR_SPEC = re.compile(
    r'(?:"[^"\r\n]*"|[^\s@<>()\[\],;:"\\]+)@(?:[^\s@<>()\[\],;:"\\]+|\[[^\]\s]+\])'
)
_ADDR_SCAN = re.compile(r'[^\s@<>()\[\],;:"\\]+@[^\s@<>()\[\],;:"\\]+')
_QUOTED_OR_COMMENT = re.compile(r'"(?:[^"\\]|\\.)*"|\([^()]*\)')


def _addresses(value: str, problems: _Problems, where: str) -> list[tuple[str, str]]:
    """(display name, lower-case addr-spec) pairs; what cannot be read is noted and skipped."""
    text = _scrub(_repair_8bit(_unfold(value), problems, where))
    pairs: list[tuple[str, str]] = []
    malformed = text.count("<") != text.count(">")
    try:
        found = getaddresses([text])
    except Exception:  # the legacy parser is forgiving, but this is arbitrary input
        found, malformed = [], True
    for display, address in found:
        address = address.strip().rstrip(".").lower()
        if _ADDR_SPEC.fullmatch(address):
            pairs.append((_decode_text_header(display, problems, where), address))
        elif address or display or (text.strip() and ":" not in text):
            malformed = True
    known = {address for _, address in pairs}
    for candidate in _ADDR_SCAN.findall(_QUOTED_OR_COMMENT.sub(" ", text)):
        candidate = candidate.rstrip(".").lower()
        if candidate not in known:  # e.g. "a@x.se b@y.se" without a comma
            pairs.append(("", candidate))
            known.add(candidate)
            malformed = True
    if malformed:
        problems.add(f"{where}: malformed address list {_excerpt(text)!r}")
    return pairs


def _address_list(headers: _Headers, name: str, problems: _Problems) -> tuple[str, ...]:
    seen: dict[str, None] = {}
    for value in headers.all(name):
        for _display, address in _addresses(value, problems, name.capitalize()):
            seen.setdefault(address)
    return tuple(seen)


def _sender(headers: _Headers, problems: _Problems) -> tuple[str, str]:
    """(address, name) from From:, else from Sender:; ("", name or "") when there is none."""
    value = headers.first("from")
    if value is None:
        problems.add("missing From: header")
    pairs = _addresses(value, problems, "From") if value is not None else []
    if pairs:
        display, address = pairs[0]
        return address, display
    sender = headers.first("sender")
    fallback = _addresses(sender, problems, "Sender") if sender is not None else []
    if fallback:
        problems.add("no address in From:; used Sender:")
        display, address = fallback[0]
        return address, display
    if value is None:
        return "", ""
    problems.add(f"From: no address in {_excerpt(value)!r}")
    return "", _decode_text_header(value, problems, "From")


_ANGLE_ID = re.compile(r"<([^<>]*)>")


def _normalise_message_id(token: str) -> str:
    inner = "".join(token.split())
    left, at, right = inner.rpartition("@")
    garbage = _SURROGATES.search(inner) or _CONTROL_CHARACTERS.search(inner) or "<" in inner
    if garbage or not (left and at and right) or ">" in inner:
        return ""
    return f"<{inner}>"


def _message_ids(values: Iterable[str]) -> list[str]:
    """Normalised message ids in header order, each once; ids without "<>" are accepted."""
    ids: dict[str, None] = {}
    for value in values:
        text = _unfold(value)
        tokens = _ANGLE_ID.findall(text)
        if not tokens and "<" not in text and ">" not in text:
            tokens = [token for token in re.split(r"[\s,;]+", text) if "@" in token]
        for token in tokens:
            if normalised := _normalise_message_id(token):
                ids.setdefault(normalised)
    return list(ids)


def _message_id(headers: _Headers, problems: _Problems) -> str:
    value = headers.first("message-id")
    if value is None:
        problems.add("missing Message-ID: header")
        return ""
    ids = _message_ids([value])
    if not ids:
        problems.add(f"Message-ID: not a message id {_excerpt(value)!r}")
        return ""
    return ids[0]


# --- Dates and the received time -----------------------------------------------------------

_CENTRAL_EUROPEAN_ZONES = {"CET": "+0100", "MET": "+0100", "CEST": "+0200", "MEST": "+0200"}
_ZONE_NAME = re.compile(r"\b(CEST|MEST|CET|MET)\b")
_NUMERIC_ZONE = re.compile(r"[+-]\d{4}")


def _as_utc(moment: datetime) -> datetime:
    return (moment if moment.tzinfo else moment.replace(tzinfo=UTC)).astimezone(UTC)


def _parse_date(text: str) -> datetime | None:
    """An RFC 5322 date (or ISO 8601, as some scripts write) in UTC; None if unreadable."""
    text = _collapse(text)
    if not text:
        return None
    if not _NUMERIC_ZONE.search(text):  # the stdlib knows only North American zone names
        text = _ZONE_NAME.sub(lambda zone: _CENTRAL_EUROPEAN_ZONES[zone.group(1)], text)
    try:
        return _as_utc(parsedate_to_datetime(text))
    except (TypeError, ValueError, IndexError, OverflowError):
        pass
    try:
        return _as_utc(datetime.fromisoformat(text))
    except (ValueError, OverflowError):
        return None


def _date_header(headers: _Headers, problems: _Problems) -> tuple[datetime | None, str]:
    value = headers.first("date")
    if value is None:
        problems.add("missing Date: header")
        return None, ""
    text = _collapse(_repair_8bit(_unfold(value), problems, "Date"))
    parsed = _parse_date(text)
    if parsed is None:
        problems.add(f"Date: unreadable {_excerpt(text)!r}")
    return parsed, text


@dataclass(frozen=True)
class _Hop:
    """One Received: header: the host that added it and when."""

    by_host: str
    at: datetime | None


_COMMENT = re.compile(r"\([^()]*\)")
_BY_HOST = re.compile(r"(?:^|\s)by\s+([^\s;]+)", re.IGNORECASE)


def _hop(value: str) -> _Hop:
    text = _collapse(_unfold(value))
    route, semicolon, when = text.rpartition(";")
    if not semicolon:
        route, when = text, ""
    for _ in range(5):  # nested comments, innermost first
        route, removed = _COMMENT.subn(" ", route)
        if not removed:
            break
    match = _BY_HOST.search(route)
    host = match.group(1).strip("[]").rstrip(".").lower() if match else ""
    return _Hop(by_host=host, at=_parse_date(when))


def _own_hosts_pattern(own_hosts: str, problems: _Problems) -> re.Pattern[str] | None:
    if not own_hosts:
        return None
    try:
        return re.compile(own_hosts, re.IGNORECASE)
    except re.error:
        problems.add(f"own_hosts is not a regular expression: {own_hosts!r}; ignored")
        return None


def _received_at(
    headers: _Headers, own_hosts: str, internal_date: datetime | None, problems: _Problems
) -> datetime:
    hops = [_hop(value) for value in headers.all("received")]  # topmost (latest) first
    own = _own_hosts_pattern(own_hosts, problems)
    if own is not None:
        ours = [hop.at for hop in hops if hop.at and hop.by_host and own.search(hop.by_host)]
        if ours:
            return ours[-1]
    dated = [hop.at for hop in hops if hop.at]
    if dated:
        if hops[0].at is None:
            problems.add("the topmost Received: header has no readable date; used the next one")
        return dated[0]
    if hops:
        problems.add("no Received: header has a readable date")
    if internal_date is not None:
        if internal_date.tzinfo is None:
            problems.add("internal date without a time zone; taken as UTC")
        return _as_utc(internal_date)
    problems.add("no Received: header and no internal date; received time is the parse time")
    return datetime.now(UTC)


# --- Repairs before parsing ----------------------------------------------------------------

_HEADER_LINE = re.compile(rb"^[!-9;-~]+:")
_SPACE_BEFORE_COLON = re.compile(rb"^([!-9;-~]+)[ \t]+:")
_KNOWN_HEADER = re.compile(
    rb"^(?:received|from|to|cc|bcc|subject|date|message-id|mime-version|content-[a-z-]+"
    rb"|in-reply-to|references|reply-to|return-path|sender|delivered-to|list-[a-z-]+"
    rb"|auto-submitted|precedence|dkim-signature|arc-[a-z-]+|authentication-results"
    rb"|thread-[a-z-]+|user-agent|importance|x-[!-9;-~]+)[ \t]*:",
    re.IGNORECASE,
)
_END_OF_HEADERS = re.compile(rb"\r?\n\r?\n")


def _repair_header_block(raw: bytes, problems: _Problems) -> bytes:
    """Fix header blocks the stdlib would cut short: a line without a colon between headers
    (a broken fold) joins the previous header; "Name :" loses its space; leading blank lines
    before the headers go. Without a blank line after the headers nothing is changed."""
    stripped = raw.lstrip(b"\r\n")
    if len(stripped) != len(raw) and _HEADER_LINE.match(stripped):
        problems.add("blank lines before the headers")
        raw = stripped
    end = _END_OF_HEADERS.search(raw)
    if end is None:
        return raw
    lines = raw[: end.start()].split(b"\n")
    known = [index for index, line in enumerate(lines) if _KNOWN_HEADER.match(line)]
    last_known = known[-1] if known else -1
    changed = False
    for index, line in enumerate(lines):
        if line[:1] in (b" ", b"\t") or _HEADER_LINE.match(line) or line.startswith(b"From "):
            continue
        if spaced := _SPACE_BEFORE_COLON.match(line):
            lines[index] = spaced.group(1) + b":" + line[spaced.end() :]
            problems.add(f"space before the colon in header {_ascii(spaced.group(1))!r}")
        elif index < last_known:
            lines[index] = b" " + line if index else b""
            problems.add(f"header line without a colon: {_excerpt(_ascii(line))!r}")
        else:
            break  # the body starts here without a blank line; the parser notes that
        changed = True
    if not changed:
        return raw
    return b"\n".join(line for line in lines if line) + raw[end.start() :]


def _ascii(data: bytes) -> str:
    return data.decode("ascii", "replace")


def _parse_tree(raw: bytes, problems: _Problems) -> Message:
    """The MIME tree: the modern policy, compat32 where it raises, else only the headers."""
    try:
        return BytesParser(policy=policy.default).parsebytes(raw)
    except Exception as error:
        problems.add(f"the modern e-mail parser failed ({type(error).__name__}); used compat32")
    try:
        return BytesParser(policy=policy.compat32).parsebytes(raw)
    except Exception as error:
        problems.add(f"the MIME structure could not be read ({type(error).__name__})")
    try:
        return BytesParser(policy=policy.compat32).parsebytes(raw, headersonly=True)
    except Exception as error:
        problems.add(f"the headers could not be read ({type(error).__name__})")
    return Message()


# --- MIME structure ------------------------------------------------------------------------

_REPORT_TYPES = {
    "message/delivery-status": "delivery-status",
    "message/global-delivery-status": "delivery-status",
    "message/disposition-notification": "disposition-notification",
    "message/global-disposition-notification": "disposition-notification",
}
_EMBEDDED_MESSAGE_TYPES = frozenset({"message/rfc822", "message/global"})
_HEADERS_ONLY_TYPES = frozenset({"text/rfc822-headers", "message/global-headers"})
_SIGNATURE_TYPES = frozenset(
    {"application/pgp-signature", "application/pkcs7-signature", "application/x-pkcs7-signature"}
)
_BODY_TYPES = frozenset({"text/plain", "text/html"})
_MIME_HEADERS = frozenset({"content-type", "content-disposition", "content-transfer-encoding"})


@dataclass
class _Attachment:
    filename: str  # "" when the part has none
    content_type: str
    data: bytes


@dataclass
class _Forwarded:
    headers: _Headers
    content: _Content


@dataclass
class _Content:
    """What a walk over one message's MIME tree found (a forwarded message has its own)."""

    plain: list[str] = field(default_factory=list)
    html: list[str] = field(default_factory=list)
    attachments: list[_Attachment] = field(default_factory=list)
    forwarded: list[_Forwarded] = field(default_factory=list)
    reports: set[str] = field(default_factory=set)  # "delivery-status", …
    original_ids: list[str] = field(default_factory=list)  # from embedded messages/headers

    def merge_except_bodies(self, other: _Content) -> None:
        self.attachments.extend(other.attachments)
        self.forwarded.extend(other.forwarded)
        self.reports |= other.reports
        self.original_ids.extend(other.original_ids)

    def all_attachments(self) -> Iterator[_Attachment]:
        yield from self.attachments
        for forwarded in self.forwarded:
            yield from forwarded.content.all_attachments()


def _mime_view(part: Message) -> Message:
    """A compat32 message with the part's raw MIME headers: its legacy parameter rules
    (RFC 2231) keep raw 8-bit bytes that the modern header classes replace with U+FFFD."""
    view = Message()
    view.set_default_type(part.get_default_type())
    for name, value in part.raw_items():
        key = str(name).strip().lower()
        if key in _MIME_HEADERS and key not in view:
            text = _unfold(str(value))
            if key == "content-transfer-encoding":
                text = _COMMENT.sub("", text).strip().lower()
            view[key] = text
    return view


def _payload(part: Message, view: Message, problems: _Problems) -> bytes:
    """A leaf's bytes with the transfer encoding undone. `get_payload(decode=True)` is the one
    stdlib call that keeps raw 8-bit bytes (without `decode` they become U+FFFD); where the
    modern policy fails on the part's headers, the compat32 view decodes instead."""
    try:
        data = part.get_payload(decode=True)
    except Exception as error:
        problems.add(f"a part could not be decoded ({type(error).__name__}); read with compat32")
        try:
            view.set_payload(part.get_payload())
            data = view.get_payload(decode=True)
        except Exception:
            data = b""
    _note_defects(part, problems)
    return data if isinstance(data, bytes) else b""


_CAMEL_CASE = re.compile(r"(?<!^)(?=[A-Z])")


def _note_defects(part: Message, problems: _Problems) -> None:
    for defect in getattr(part, "defects", ()):
        name = type(defect).__name__.removesuffix("Defect")
        problems.add("MIME: " + _CAMEL_CASE.sub(" ", name).lower())


def _param(view: Message, name: str, problems: _Problems, header: str = "content-type") -> str:
    """A decoded MIME parameter (RFC 2231 and, as clients send them, RFC 2047); "" if none."""
    try:
        value = view.get_param(name, header=header)
    except Exception:
        problems.add(f"{header}: unreadable parameters")
        return ""
    if value is None:
        return ""
    where = f"{header.title()} {name}"
    if isinstance(value, tuple):
        charset, _language, text = value
        try:
            data = text.encode("latin-1", "surrogateescape")
        except UnicodeEncodeError:
            data = text.encode("utf-8", "surrogateescape")
        return _collapse(_decode_bytes(data, charset or None, problems, where))
    return _decode_text_header(str(value), problems, where)


def _walk(part: Message, content: _Content, problems: _Problems, *, depth: int) -> None:
    if depth > MAX_NESTING:
        problems.add(f"MIME nested deeper than {MAX_NESTING} levels; the rest was skipped")
        return
    _note_defects(part, problems)
    view = _mime_view(part)
    content_type = view.get_content_type()
    if content_type in _REPORT_TYPES:
        content.reports.add(_REPORT_TYPES[content_type])
    elif content_type in _EMBEDDED_MESSAGE_TYPES:
        _walk_embedded(part, view, content, problems, depth=depth)
    elif part.is_multipart():
        _walk_multipart(part, content_type, content, problems, depth=depth)
    elif view.get_content_maintype() == "multipart":
        _walk_broken_multipart(part, view, content_type, content, problems, depth=depth)
    else:
        _take_leaf(part, view, content_type, content, problems)


def _children(part: Message) -> list[Message]:
    payload = part.get_payload()
    return [child for child in payload if isinstance(child, Message)] if payload else []


def _walk_multipart(
    part: Message, content_type: str, content: _Content, problems: _Problems, *, depth: int
) -> None:
    children = _children(part)
    if content_type != "multipart/alternative":
        for child in children:
            _walk(child, content, problems, depth=depth + 1)
        return
    plain: list[str] = []
    html: list[str] = []
    for child in children:  # RFC 2046: the last alternative is the sender's preferred one
        branch = _Content()
        _walk(child, branch, problems, depth=depth + 1)
        if any(text.strip() for text in branch.plain):
            plain = branch.plain
        if any(text.strip() for text in branch.html):
            html = branch.html
        content.merge_except_bodies(branch)
    content.plain.extend(plain)
    content.html.extend(html)


def _walk_embedded(
    part: Message, view: Message, content: _Content, problems: _Problems, *, depth: int
) -> None:
    inner = _embedded_message(part, view, problems)
    if inner is None:
        return
    headers = _Headers(inner)
    content.original_ids.extend(_message_ids(headers.all("message-id")[:1]))
    inner_content = _Content()
    _walk(inner, inner_content, problems, depth=depth + 1)
    content.forwarded.append(_Forwarded(headers=headers, content=inner_content))


def _embedded_message(part: Message, view: Message, problems: _Problems) -> Message | None:
    children = _children(part)
    encoding = view.get("content-transfer-encoding", "")
    if children and not (encoding in ("base64", "quoted-printable") and not children[0].keys()):
        return children[0]
    # Encoded with base64/quoted-printable (not allowed, but sent): the parser read the
    # encoded text as the message; decode it and read it again.
    problems.add(f"forwarded message with transfer encoding {encoding or 'none'}; read again")
    encoded = children[0].get_payload() if children else part.get_payload()
    if not isinstance(encoded, str):
        return None
    decoder = Message()
    decoder["content-transfer-encoding"] = encoding or "8bit"
    decoder.set_payload(encoded)
    return _parse_tree(_payload(decoder, decoder, problems), problems)


_BOUNDARY_LINE = re.compile(
    r"^--([0-9A-Za-z'()+_,./:=?-][0-9A-Za-z'()+_,./:=? -]{0,69}?)(?:--)?[ \t]*\r?$", re.MULTILINE
)
_PART_HEADER = re.compile(r"\A\r?\n?(?:content-[\w-]+|mime-version)[ \t]*:", re.IGNORECASE)


def _guess_boundary(text: str) -> str | None:
    """The boundary a multipart body really uses: a "--token" line seen at least twice and
    followed at least once by a part header."""
    matches = [m for m in _BOUNDARY_LINE.finditer(text) if re.search(r"[0-9A-Za-z]", m.group(1))]
    counts = Counter(match.group(1) for match in matches)
    for boundary, count in counts.most_common():
        if count < 2:
            break
        followed = (text[m.end() : m.end() + 200] for m in matches if m.group(1) == boundary)
        if any(_PART_HEADER.match(after) for after in followed):
            return boundary
    return None


def _walk_broken_multipart(
    part: Message,
    view: Message,
    content_type: str,
    content: _Content,
    problems: _Problems,
    *,
    depth: int,
) -> None:
    body = _payload(part, view, problems)
    boundary = _guess_boundary(body.decode("ascii", "surrogateescape"))
    if boundary is not None:
        problems.add(f"{content_type} with a wrong or missing boundary; read with {boundary!r}")
        header = f'Content-Type: {content_type}; boundary="{boundary}"\n\n'.encode()
        recovered = _parse_tree(header + body, problems)
        if recovered.is_multipart():
            _walk_multipart(recovered, content_type, content, problems, depth=depth + 1)
            return
    problems.add(f"{content_type} without a usable boundary; read as plain text")
    content.plain.append(_plain_text(body, view, problems))


def _take_leaf(
    part: Message, view: Message, content_type: str, content: _Content, problems: _Problems
) -> None:
    if content_type in _SIGNATURE_TYPES:
        return
    data = _payload(part, view, problems)
    if content_type in _HEADERS_ONLY_TYPES:
        original = _Headers(_parse_headers(data, problems))
        content.original_ids.extend(_message_ids(original.all("message-id")[:1]))
        return
    disposition = view.get_content_disposition()
    filename = _param(view, "filename", problems, "content-disposition") or _param(
        view, "name", problems
    )
    is_text = view.get_content_maintype() == "text"
    if disposition == "attachment" or (
        content_type not in _BODY_TYPES and (filename or not (is_text or _is_inline_resource(view)))
    ):
        if data or filename:
            content.attachments.append(_Attachment(filename, content_type, data))
    elif content_type == "text/plain":
        content.plain.append(_plain_text(data, view, problems))
    elif content_type == "text/html":
        charset = view.get_content_charset() or _html_meta_charset(data)
        content.html.append(_decode_bytes(data, charset, problems, "HTML body"))
    # Other unnamed text (a calendar in an alternative, text/enriched) is neither body nor file.


def _is_inline_resource(view: Message) -> bool:
    """An unnamed part shown inside the HTML body (a cid: image, a signature logo)."""
    return view.get_content_disposition() == "inline" or "content-id" in view


def _parse_headers(data: bytes, problems: _Problems) -> Message:
    try:
        return BytesHeaderParser(policy=policy.compat32).parsebytes(data)
    except Exception:
        problems.add("the returned message's headers could not be read")
        return Message()


_META_CHARSET = re.compile(rb"""<meta[^>]+charset\s*=\s*["']?\s*([\w.:-]+)""", re.IGNORECASE)


def _html_meta_charset(data: bytes) -> str | None:
    match = _META_CHARSET.search(data[:4096])
    return match.group(1).decode("ascii") if match else None


def _plain_text(data: bytes, view: Message, problems: _Problems) -> str:
    text = _decode_bytes(data, view.get_content_charset(), problems, "text body")
    text = _LINE_BREAK.sub("\n", text)
    if _param(view, "format", problems).lower() == "flowed":
        text = _unflow(text, delete_space=_param(view, "delsp", problems).lower() == "yes")
    return text


def _unflow(text: str, *, delete_space: bool) -> str:
    """Join the soft line breaks of format=flowed text (RFC 3676), quote depth by depth."""
    out: list[str] = []
    pending = ""
    pending_depth: int | None = None
    for line in text.split("\n"):
        depth = len(line) - len(line.lstrip(">"))
        body = line[depth:]
        body = body[1:] if body.startswith(" ") else body  # space-stuffing
        if pending_depth is not None and pending_depth != depth:
            out.append(_quoted(pending, pending_depth))
            pending, pending_depth = "", None
        soft = body.endswith(" ") and body != "-- "
        if soft:
            pending += body[:-1] if delete_space else body
            pending_depth = depth
            continue
        out.append(_quoted(pending + body, depth))
        pending, pending_depth = "", None
    if pending_depth is not None:
        out.append(_quoted(pending, pending_depth))
    return "\n".join(out)


def _quoted(text: str, depth: int) -> str:
    return f"{'>' * depth} {text}" if depth else text


# --- HTML ----------------------------------------------------------------------------------

_HTML_TAGS = frozenset(nh3.ALLOWED_TAGS) - {"img", "area", "map"}  # no remote images
_HTML_ATTRIBUTES = {
    tag: set(names) for tag, names in nh3.ALLOWED_ATTRIBUTES.items() if tag in _HTML_TAGS
}
_HTML_DROPPED_WITH_CONTENT = frozenset({"script", "style", "title", "template"})
_SAFE_URL = re.compile(r"\s*(?:https?|mailto|tel):", re.IGNORECASE)
_URL_ATTRIBUTES = frozenset({"href", "cite"})


def _keep_attribute(tag: str, attribute: str, value: str) -> str | None:
    """Only absolute http(s)/mailto/tel links: a relative one would point into this app."""
    if attribute in _URL_ATTRIBUTES and not _SAFE_URL.match(value):
        return None
    return value


_HTML_TAG = re.compile(r"<(/?)([a-zA-Z][a-zA-Z0-9:-]*)[^>]*?(/?)>")
_HTML_NOT_NESTING = frozenset(  # void elements, and those an unclosed sibling closes
    {"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "param"}
    | {"source", "track", "wbr", "p", "li", "dt", "dd", "tr", "td", "th", "option"}
)
_HTML_DROPPED_BLOCKS = re.compile(
    r"<(script|style|title|template)\b[^>]*>.*?</\1\s*>", re.IGNORECASE | re.DOTALL
)
MAX_HTML_NESTING = 500  # the sanitiser's time grows with the square of the depth


def _html_too_deep(html: str) -> bool:
    depth = 0
    for match in _HTML_TAG.finditer(html):
        closing, name, self_closing = match.groups()
        if closing:
            depth = max(0, depth - 1)
        elif not self_closing and name.lower() not in _HTML_NOT_NESTING:
            depth += 1
            if depth > MAX_HTML_NESTING:
                return True
    return False


def _sanitise_html(fragments: list[str], problems: _Problems) -> str:
    source = _scrub("\n".join(fragments))
    if not source.strip():
        return ""
    if _html_too_deep(source):  # real mail nests a few dozen levels; this is an attack
        problems.add(f"HTML nested deeper than {MAX_HTML_NESTING} levels; its tags were removed")
        source = _TAG.sub(" ", _HTML_DROPPED_BLOCKS.sub(" ", source))
    try:
        cleaned = nh3.clean(
            source,
            tags=set(_HTML_TAGS),
            clean_content_tags=set(_HTML_DROPPED_WITH_CONTENT),
            attributes=_HTML_ATTRIBUTES,
            attribute_filter=_keep_attribute,
            url_schemes={"http", "https", "mailto", "tel"},
            link_rel="noopener noreferrer nofollow",
        )
    except Exception as error:
        problems.add(f"the HTML body could not be sanitised ({type(error).__name__}); dropped")
        return ""
    return cleaned.strip()


class _HtmlText(HTMLParser):
    """Plain text from sanitised HTML, roughly as a browser lays it out: a block boundary is
    one line break (two around paragraphs), however many tags meet there; <br> is always one;
    links keep their target."""

    _PARAGRAPHS = frozenset(
        {"p", "h1", "h2", "h3", "h4", "h5", "h6", "blockquote", "pre", "table", "ul", "ol", "dl"}
    )
    _LINES = frozenset(
        {"div", "li", "tr", "dt", "dd", "hr", "center", "header", "footer", "article", "aside"}
        | {"nav", "figure", "figcaption", "caption", "details", "summary", "address", "section"}
    )

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self._chunks: list[str] = []
        self._pending_breaks = 0  # line breaks owed before the next text
        self._preformatted = 0
        self._links: list[tuple[str, int]] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self._block_boundary(tag)
        if tag == "br":
            self._flush_breaks()
            self._chunks.append("\n")
        elif tag == "li":
            self._flush_breaks()
            self._chunks.append("- ")
        elif tag in ("td", "th"):
            self._chunks.append(" ")
        elif tag == "pre":
            self._preformatted += 1
        elif tag == "a":
            self._links.append((dict(attrs).get("href") or "", len(self._chunks)))

    def handle_endtag(self, tag: str) -> None:
        if tag == "a" and self._links:
            href, start = self._links.pop()
            label = "".join(self._chunks[start:])
            if href.lower().startswith(("http:", "https:")) and href not in label:
                self._chunks.append(f" <{href}>")
        elif tag == "pre":
            self._preformatted = max(0, self._preformatted - 1)
        self._block_boundary(tag)

    def handle_data(self, data: str) -> None:
        if self._preformatted:
            self._flush_breaks()
            self._chunks.append(data)
        elif data.strip():
            self._flush_breaks()
            self._chunks.append(_WHITESPACE.sub(" ", data))
        elif not self._pending_breaks:
            self._chunks.append(" ")

    def _block_boundary(self, tag: str) -> None:
        if tag in self._PARAGRAPHS:
            self._pending_breaks = max(self._pending_breaks, 2)
        elif tag in self._LINES:
            self._pending_breaks = max(self._pending_breaks, 1)

    def _flush_breaks(self) -> None:
        if self._pending_breaks and self._chunks:
            self._chunks.append("\n" * self._pending_breaks)
        self._pending_breaks = 0

    def text(self) -> str:
        lines = (line.strip() for line in "".join(self._chunks).split("\n"))
        return _BLANK_LINE_RUNS.sub("\n\n", "\n".join(lines)).strip()


_TAG = re.compile(r"<[^>]*>")


def _html_to_text(html: str) -> str:
    if not html:
        return ""
    extractor = _HtmlText()
    try:
        extractor.feed(html)
        extractor.close()
    except Exception:  # sanitised HTML parses; this keeps a parser quirk from losing the text
        return _tidy(unescape(_TAG.sub(" ", html)))
    return _tidy(extractor.text().replace("\xa0", " "))


def _compose_text(content: _Content, html: str, problems: _Problems) -> str:
    """The plain body, else text from the HTML; forwarded messages below their separator."""
    text = _tidy("\n".join(content.plain)) or _html_to_text(html)
    blocks = [text] if text else []
    blocks.extend(_forwarded_text(forwarded, problems) for forwarded in content.forwarded)
    return "\n\n".join(blocks)


_FORWARDED_HEADERS = (("Från", "from"), ("Datum", "date"), ("Ämne", "subject"), ("Till", "to"))


def _forwarded_text(forwarded: _Forwarded, problems: _Problems) -> str:
    lines = [FORWARDED_SEPARATOR]
    for label, name in _FORWARDED_HEADERS:
        value = forwarded.headers.first(name)
        decoded = _decode_text_header(value, problems, f"forwarded {name}") if value else ""
        if decoded:
            lines.append(f"{label}: {decoded}")
    inner = forwarded.content
    html = "" if _tidy("\n".join(inner.plain)) else _sanitise_html(inner.html, problems)
    body = _compose_text(inner, html, problems)
    return "\n".join(lines) + ("\n\n" + body if body else "")


# --- Attachments ---------------------------------------------------------------------------

_PATH_SEPARATOR = re.compile(r"[/\\]")
_MAX_FILENAME = 200


def _named_attachments(found: Iterable[_Attachment]) -> tuple[MailAttachment, ...]:
    """Attachments with safe names, each distinct file once, in message order."""
    attachments: list[MailAttachment] = []
    seen: set[tuple[str, str, bytes]] = set()
    for attachment in found:
        key = (attachment.filename, attachment.content_type, attachment.data)
        if key in seen:
            continue
        seen.add(key)
        number = len(attachments) + 1
        attachments.append(
            MailAttachment(
                filename=_safe_filename(attachment.filename) or f"bilaga-{number}",
                content_type=attachment.content_type,
                data=attachment.data,
            )
        )
    return tuple(attachments)


def _safe_filename(filename: str) -> str:
    name = _PATH_SEPARATOR.split(_collapse(filename))[-1].strip()
    if name in ("", ".", ".."):
        return ""
    if len(name) <= _MAX_FILENAME:
        return name
    stem, dot, extension = name.rpartition(".")
    if dot and stem and len(extension) <= 10:
        return f"{stem[: _MAX_FILENAME - len(extension) - 1]}.{extension}"
    return name[:_MAX_FILENAME]


# --- Kind ----------------------------------------------------------------------------------

_DAEMON_SENDERS = frozenset({"mailer-daemon", "postmaster", "mail-daemon", "mailerdaemon"})
_NON_DELIVERY_SUBJECT = re.compile(
    r"undeliver|not (?:be )?delivered|delivery (?:status|failure|has failed|failed|notification)"
    r"|mail delivery|returned mail|failure notice|non[- ]?delivery|olevererbar"
    r"|kunde inte levereras|inte kunde levereras|leveransfel|unzustellbar|non remis",
    re.IGNORECASE,
)
_OUT_OF_OFFICE_SUBJECT = re.compile(
    r"out of (?:the )?office|automatic reply|auto[- ]?reply|autosvar|automatiskt svar"
    r"|frånvar|semester|vacation|abwesen|tjänstledig",
    re.IGNORECASE,
)
_AUTO_REPLY_HEADERS = ("x-autoreply", "x-autorespond", "x-autoresponder", "x-mail-autoreply")
_NEGATIVE = frozenset({"no", "false", "0"})
_BULK_PRECEDENCE = frozenset({"bulk", "list", "junk"})


def _report_type(message: Message, problems: _Problems) -> str:
    """The report-type of a multipart/report message ("delivery-status", …); else ""."""
    root = _mime_view(message)
    if root.get_content_type() != "multipart/report":
        return ""
    return _param(root, "report-type", problems).lower()


def _classify(
    headers: _Headers, report_type: str, subject: str, address: str, name: str, content: _Content
) -> str:
    if (
        report_type in ("delivery-status", "global-delivery-status")
        or "delivery-status" in content.reports
        or headers.has("x-failed-recipients")
        or _is_daemon_bounce(subject, address, name)
    ):
        return "bounce"
    if report_type == "disposition-notification" or "disposition-notification" in content.reports:
        return "read_receipt"
    if _is_auto_reply(headers, subject):
        return "auto_reply"
    if _is_spam(headers):
        return "spam"
    if headers.token("precedence") in _BULK_PRECEDENCE or any(
        headers.has(name) for name in ("list-id", "list-unsubscribe")
    ):
        return "bulk"
    return "citizen"


def _is_daemon_bounce(subject: str, address: str, name: str) -> bool:
    daemon = address.partition("@")[0] in _DAEMON_SENDERS or "mail delivery" in name.lower()
    return daemon and bool(_NON_DELIVERY_SUBJECT.search(subject))


def _is_auto_reply(headers: _Headers, subject: str) -> bool:
    auto_submitted = headers.token("auto-submitted")
    if auto_submitted and auto_submitted != "no":
        return True
    if any(
        headers.has(name) and headers.token(name) not in _NEGATIVE for name in _AUTO_REPLY_HEADERS
    ):
        return True
    precedence = headers.token("precedence")
    if "auto_reply" in (precedence, headers.token("x-precedence")):
        return True
    # Old vacation programs mark their answers only as junk/bulk: the subject decides there.
    return precedence in _BULK_PRECEDENCE and bool(_OUT_OF_OFFICE_SUBJECT.search(subject))


def _is_spam(headers: _Headers) -> bool:
    return (
        any(_collapse(value).lower().startswith("yes") for value in headers.all("x-spam-flag"))
        or any(_collapse(value).lower().startswith("yes") for value in headers.all("x-spam-status"))
        or any(_collapse(value).lower() in ("yes", "true") for value in headers.all("x-spam"))
    )


_QUOTED_MESSAGE_ID = re.compile(r"^\s*Message-ID:\s*(<[^<>\s]+>)", re.IGNORECASE | re.MULTILINE)


def _bounced_ids(
    content: _Content, in_reply_to: tuple[str, ...], references: tuple[str, ...], text: str
) -> tuple[str, ...]:
    if content.original_ids:
        return tuple(dict.fromkeys(content.original_ids))
    if in_reply_to:
        return in_reply_to
    if references:
        return references[-1:]
    return tuple(_message_ids(_QUOTED_MESSAGE_ID.findall(text)))


# --- References and the duplicate hash -----------------------------------------------------

_CASE_TAG = re.compile(r"\[(KT-\d{4}-\d{6})\]")
_SEPARATOR = r"\s*[-–—_.:/]?\s*"
_REFERENCE_PATTERNS = (
    re.compile(rf"(?<!\w)KT{_SEPARATOR}(20\d\d){_SEPARATOR}(\d{{1,6}})(?!\d|[-–/]\d)", re.I),
    re.compile(
        r"(?<!\w)(?:ärende|referens|ref)(?:nummer|nr)?\.?\s*(?:nr\.?|nummer)?\s*:?\s*"
        r"(20\d\d)\s*[-–]\s*(\d{1,6})(?!\d|[-–/]\d)",
        re.I,
    ),
)


def _case_tag(subject: str) -> str:
    match = _CASE_TAG.search(subject)
    return match.group(1) if match else ""


def _references_in(text: str) -> list[str]:
    matches = sorted(
        (match for pattern in _REFERENCE_PATTERNS for match in pattern.finditer(text)),
        key=lambda match: match.start(),
    )
    return [
        f"KT-{match.group(1)}-{int(match.group(2)):06d}"
        for match in matches
        if int(match.group(2)) > 0
    ]


def _suggested_refs(subject: str, text: str, case_tag: str) -> tuple[str, ...]:
    found = dict.fromkeys(_references_in(subject) + _references_in(text))
    found.pop(case_tag, None)
    return tuple(found)


def _content_hash(
    people: tuple[str, ...],
    date: str,
    subject: str,
    text: str,
    attachments: tuple[MailAttachment, ...],
) -> str:
    digest = hashlib.sha256()
    fields = [value.encode() for value in (*people, date, subject, text)]  # all scrubbed
    fields.extend(attachment.data for attachment in attachments)
    for data in fields:  # length-prefixed, so that ("ab", "c") and ("a", "bc") differ
        digest.update(len(data).to_bytes(8, "big"))
        digest.update(data)
    return digest.hexdigest()
