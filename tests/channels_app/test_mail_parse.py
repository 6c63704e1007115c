"""The e-mail parser: a corpus of real-world-shaped messages and focused rules.

No database: `parse_message` is a pure function of the bytes, the IMAP internal date and the
pattern for the municipality's own mail hosts.
"""

from __future__ import annotations

import json
import random
import re
from datetime import UTC, datetime, timedelta, timezone
from email.message import EmailMessage
from email.policy import SMTP
from pathlib import Path

import pytest

from channels_app.mail.parse import FORWARDED_SEPARATOR, KINDS, ParsedMail, parse_message

CORPUS = Path(__file__).parent / "mail_corpus"
EXPECTED = json.loads((CORPUS / "expected.json").read_text(encoding="utf-8"))
CORPUS_FILES = sorted(path.name for path in CORPUS.glob("*.eml"))
OWN_HOSTS = r"(^|\.)mx\d*\.kommun\.se$"
INTERNAL_DATE = datetime(2026, 3, 2, 12, 0, tzinfo=UTC)


def parse(
    raw: bytes, *, own_hosts: str = OWN_HOSTS, internal_date: datetime | None = INTERNAL_DATE
) -> ParsedMail:
    """`parse_message` with the corpus's settings: our mx hosts and a fixed IMAP date."""
    return parse_message(raw, internal_date=internal_date, own_hosts=own_hosts)


DEFAULT_HEADERS = {"date": "Mon, 2 Mar 2026 08:13:51 +0100", "message-id": "<t@example.com>"}


def mail(*headers: str, body: str = "Hej!\n", encoding: str = "utf-8") -> bytes:
    """A raw message with CRLF line endings, as it comes out of IMAP; Date and Message-ID are
    added unless given, so that only the problems a test provokes are reported."""
    given = {header.partition(":")[0].strip().lower() for header in headers}
    defaults = [f"{name.title()}: {value}" for name, value in DEFAULT_HEADERS.items()]
    lines = [*headers, *(line for line in defaults if line.split(":")[0].lower() not in given)]
    text = "\n".join(lines) + "\n\n" + body
    return text.replace("\n", "\r\n").encode(encoding)


def new_message(**headers: str) -> EmailMessage:
    """An EmailMessage from a@example.com with a Date and a Message-ID."""
    message = EmailMessage()
    message["From"] = headers.pop("From", "a@example.com")
    message["Date"] = DEFAULT_HEADERS["date"]
    message["Message-ID"] = DEFAULT_HEADERS["message-id"]
    for name, value in headers.items():
        message[name.replace("_", "-")] = value
    return message


# --- The corpus ------------------------------------------------------------------------------


def test_corpus_has_at_least_30_messages_and_an_entry_for_each():
    assert len(CORPUS_FILES) >= 30
    assert set(CORPUS_FILES) == set(EXPECTED)


def test_corpus_covers_every_kind_and_both_line_endings():
    assert {entry["kind"] for entry in EXPECTED.values()} == set(KINDS)
    raw = [(CORPUS / name).read_bytes() for name in CORPUS_FILES]
    assert any(b"\r\n" in data for data in raw)
    assert any(b"\r" not in data for data in raw)


@pytest.mark.parametrize("name", CORPUS_FILES)
def test_corpus_message_parses_as_expected(name):
    expected = EXPECTED[name]
    parsed = parse((CORPUS / name).read_bytes())

    scalars = ("kind", "message_id", "subject", "from_address", "from_name", "case_tag", "text")
    for key in scalars:
        if key in expected:
            assert getattr(parsed, key) == expected[key], key
    lists = ("in_reply_to", "references", "to", "cc", "suggested_refs", "bounced_message_ids")
    lists += ("problems",)
    for key in lists:
        if key in expected:
            assert list(getattr(parsed, key)) == expected[key], key
    assert [attachment.filename for attachment in parsed.attachments] == expected["attachments"]
    if "attachment_types" in expected:
        types = [attachment.content_type for attachment in parsed.attachments]
        assert types == expected["attachment_types"]
    assert parsed.received_at.isoformat() == expected["received_at"]
    if "date_header" in expected:
        date = parsed.date_header.isoformat() if parsed.date_header else None
        assert date == expected["date_header"]
    if "subject_startswith" in expected:
        assert parsed.subject.startswith(expected["subject_startswith"])
        assert len(parsed.subject) == expected["subject_length"]
    for fragment in expected.get("text_contains", []):
        assert fragment in parsed.text
    for fragment in expected.get("text_excludes", []):
        assert fragment not in parsed.text
    for fragment in expected.get("html_contains", []):
        assert fragment in parsed.html
    for fragment in expected.get("html_excludes", []):
        assert fragment not in parsed.html
    for fragment in expected.get("problems_contain", []):
        assert any(fragment in problem for problem in parsed.problems), parsed.problems


# --- Received time ---------------------------------------------------------------------------

RECEIVED_CHAIN = (
    "Received: from exch01.kommun.local by exch02.kommun.local; Mon, 2 Mar 2026 10:00:09 +0100",
    "Received: from mx2.kommun.se by mx1.kommun.se (Postfix); Mon, 2 Mar 2026 10:00:05 +0100",
    "Received: from smtp.example.com (smtp.example.com [203.0.113.1])\n"
    "\tby mx2.kommun.se (Postfix) with ESMTPS id X\n"
    "\tfor <kundtjanst@kommun.se>; Mon, 2 Mar 2026 09:58:00 +0100 (CET)",
    "Received: from [10.0.0.2] by smtp.example.com; Mon, 2 Mar 2026 09:57:00 +0100",
)


def test_received_at_is_the_earliest_hop_into_our_own_hosts():
    raw = mail(*RECEIVED_CHAIN, "From: a@example.com", "Subject: x")
    assert parse(raw).received_at == datetime(2026, 3, 2, 8, 58, tzinfo=UTC)


def test_received_at_is_the_topmost_hop_when_no_own_host_matches():
    raw = mail(*RECEIVED_CHAIN, "From: a@example.com")
    expected = datetime(2026, 3, 2, 9, 0, 9, tzinfo=UTC)
    assert parse(raw, own_hosts=r"\.nowhere\.example$").received_at == expected
    assert parse(raw, own_hosts="").received_at == expected


def test_received_at_falls_back_to_the_internal_date_then_to_now():
    raw = mail("From: a@example.com", "Subject: x")
    assert parse(raw).received_at == INTERNAL_DATE

    before = datetime.now(UTC)
    parsed = parse(raw, internal_date=None)
    assert before <= parsed.received_at <= datetime.now(UTC)
    assert any("received time is the parse time" in problem for problem in parsed.problems)


def test_date_header_never_decides_the_received_time():
    for date in ("Sat, 28 Feb 2026 07:00:00 +0100", "Tue, 10 Mar 2026 07:00:00 +0100"):
        parsed = parse(mail(*RECEIVED_CHAIN, "From: a@example.com", f"Date: {date}"))
        assert parsed.received_at == datetime(2026, 3, 2, 8, 58, tzinfo=UTC)
        assert parsed.date_header is not None
        assert parsed.date_header != parsed.received_at
    parsed = parse(mail("From: a@example.com", "Date: Sat, 28 Feb 2026 07:00:00 +0100"))
    assert parsed.received_at == INTERNAL_DATE


def test_received_times_are_utc_whatever_the_zone_written():
    raw = mail(
        "Received: from a by mx1.kommun.se; Sun, 29 Mar 2026 06:15:49 +0200 (CEST)",
        "From: a@example.com",
    )
    parsed = parse(raw)
    assert parsed.received_at == datetime(2026, 3, 29, 4, 15, 49, tzinfo=UTC)
    assert parsed.received_at.tzinfo == UTC
    naive = parse(mail("From: a@example.com"), internal_date=datetime(2026, 3, 2, 12, 0))
    assert naive.received_at == INTERNAL_DATE
    assert naive.received_at.tzinfo == UTC
    stockholm = timezone(timedelta(hours=1))
    aware = parse(
        mail("From: a@example.com"), internal_date=datetime(2026, 3, 2, 13, tzinfo=stockholm)
    )
    assert aware.received_at == INTERNAL_DATE
    assert aware.received_at.tzinfo == UTC


def test_an_unreadable_topmost_date_uses_the_next_hop():
    raw = mail(
        "Received: from a by exch01.kommun.local; yesterday-ish",
        "Received: from b by smtp.example.com; Mon, 2 Mar 2026 09:57:00 +0100",
        "From: a@example.com",
    )
    parsed = parse(raw, own_hosts="")
    assert parsed.received_at == datetime(2026, 3, 2, 8, 57, tzinfo=UTC)
    assert any("topmost Received" in problem for problem in parsed.problems)


def test_a_broken_own_hosts_pattern_is_reported_not_raised():
    parsed = parse(mail(*RECEIVED_CHAIN, "From: a@example.com"), own_hosts="mx(")
    assert parsed.received_at == datetime(2026, 3, 2, 9, 0, 9, tzinfo=UTC)
    assert any("own_hosts" in problem for problem in parsed.problems)


# --- Charsets and transfer encodings ---------------------------------------------------------

CHARSET_TEXTS = {
    "utf-8": "Fråga om förskola: åäö ÅÄÖ – “citat” € ✓",
    "iso-8859-1": "Fråga om förskola: åäö ÅÄÖ é ü ß",
    "windows-1252": "Fråga om förskola: åäö ÅÄÖ – “citat” € …",
}


@pytest.mark.parametrize("charset", sorted(CHARSET_TEXTS))
@pytest.mark.parametrize("transfer_encoding", ["quoted-printable", "base64", "8bit"])
def test_every_charset_and_transfer_encoding_decodes(charset, transfer_encoding):
    text = CHARSET_TEXTS[charset]
    message = new_message(From="Åsa Öberg <asa@example.com>", To="kundtjanst@kommun.se")
    message["Subject"] = text
    message.set_content(text + "\n", charset=charset, cte=transfer_encoding)

    parsed = parse(message.as_bytes(policy=SMTP))

    assert parsed.text == text
    assert parsed.subject == text
    assert parsed.from_name == "Åsa Öberg"
    assert parsed.problems == ()


@pytest.mark.parametrize("transfer_encoding", ["quoted-printable", "base64"])
def test_html_only_mail_in_each_encoding_gives_text_and_safe_html(transfer_encoding):
    message = new_message()
    message.set_content(
        "<p>Hej!</p><p>Sophämtning &amp; återvinning<br>tisdagar</p><script>alert(1)</script>",
        subtype="html",
        charset="utf-8",
        cte=transfer_encoding,
    )
    parsed = parse(message.as_bytes(policy=SMTP))
    assert parsed.text == "Hej!\n\nSophämtning & återvinning\ntisdagar"
    assert parsed.html == "<p>Hej!</p><p>Sophämtning &amp; återvinning<br>tisdagar</p>"


@pytest.mark.parametrize(
    ("content_type", "body", "expected", "problem"),
    [
        ("text/plain", "Fråga".encode("latin-1"), "Fråga", "without a usable charset"),
        ("text/plain; charset=utf-8", "Fråga".encode("latin-1"), "Fråga", "invalid UTF-8"),
        ("text/plain; charset=iso-8859-1", "Fråga".encode(), "Fråga", "but the text is UTF-8"),
        ("text/plain; charset=us-ascii", "Fråga".encode("cp1252"), "Fråga", "usable charset"),
        ("text/plain; charset=x-unknown", "Fråga".encode("latin-1"), "Fråga", "unknown charset"),
        ("text/plain; charset=iso-8859-1", b"a \x96 b \x80", "a – b €", None),
        ("text/plain; charset=utf-8", b"\xef\xbb\xbfHej", "Hej", None),
        ("text/plain; charset=utf-8", "Hej\u0000 då".encode(), "Hej då", None),
    ],
)
def test_wrong_or_missing_charsets_fall_back_with_a_problem(content_type, body, expected, problem):
    raw = mail("From: a@example.com", f"Content-Type: {content_type}", body="").rstrip(b"\n")
    parsed = parse(raw + body)
    assert parsed.text == expected
    if problem:
        assert any(problem in text for text in parsed.problems), parsed.problems
    else:
        assert parsed.problems == ()


def test_html_charset_is_read_from_the_meta_tag_when_the_header_has_none():
    body = '<meta charset="windows-1252"><p>Parkering – Åsvägen</p>'.encode("cp1252")
    raw = mail("From: a@example.com", "Content-Type: text/html", body="") + body
    assert parse(raw).text == "Parkering – Åsvägen"


@pytest.mark.parametrize(
    ("header", "expected"),
    [
        ("=?utf-8?Q?Fr=C3=A5ga?= om =?utf-8?B?YnlnZ2xvdg==?=", "Fråga om bygglov"),
        ("=?utf-8?Q?Fr=C3?= =?utf-8?Q?=A5ga?=", "Fråga"),  # a character split over two words
        ("=?ISO-8859-1?Q?=C5sa?=\r\n =?ISO-8859-1?Q?_=D6berg?=", "Åsa Öberg"),
        ("=?windows-1252?Q?Sopk=E4rl_=96_fel?=", "Sopkärl – fel"),
        ("=?utf-8*sv?Q?F=C3=B6rskola?=", "Förskola"),  # RFC 2231 language suffix
        ("Re:=?utf-8?Q?_F=C3=B6rskola?=", "Re: Förskola"),  # no space before the word
        ("=?utf-8?B?RsO2cnNrb2xh?=", "Förskola"),  # base64 without padding problems
        ("=?utf-8?B?RsO2cnNrb2xh", "Förskola"),  # unterminated at the end
        ("Fråga om ärende", "Fråga om ärende"),  # raw UTF-8 (RFC 6532)
    ],
)
def test_encoded_words_decode(header, expected):
    raw = b"From: a@example.com\r\nSubject: " + header.encode() + b"\r\n\r\nHej\r\n"
    assert parse(raw).subject == expected


def test_raw_latin1_header_bytes_are_read_as_windows_1252_with_a_problem():
    raw = b'From: "G\xf6ran \xc5kesson" <goran@example.com>\r\nSubject: Fr\xe5ga\r\n\r\nHej\r\n'
    parsed = parse(raw)
    assert (parsed.subject, parsed.from_name) == ("Fråga", "Göran Åkesson")
    assert any("Subject: raw 8-bit" in problem for problem in parsed.problems)


def test_format_flowed_lines_are_joined_and_quotes_kept_apart():
    body = "Ett långt \nstycke.\n> citerad \n> rad\nslut\n-- \nAnna\n"
    raw = mail(
        "From: a@example.com", "Content-Type: text/plain; charset=utf-8; format=flowed", body=body
    )
    assert parse(raw).text == "Ett långt stycke.\n> citerad rad\nslut\n--\nAnna"


def test_line_endings_do_not_change_the_text_or_the_hash():
    crlf = mail("From: a@example.com", "Subject: x", body="rad 1\nrad 2\n")
    lf = crlf.replace(b"\r\n", b"\n")
    mixed = crlf.replace(b"rad 1\r\n", b"rad 1\n")
    parsed = [parse(raw) for raw in (crlf, lf, mixed)]
    assert {p.text for p in parsed} == {"rad 1\nrad 2"}
    assert len({p.content_hash for p in parsed}) == 1


# --- Sanitising ------------------------------------------------------------------------------

HOSTILE_HTML = [
    "<script>alert(1)</script>",
    "<SCRIPT SRC=https://evil.example/x.js></SCRIPT>",
    "<img src=x onerror=alert(1)>",
    '<a href="javascript:alert(1)">x</a>',
    '<a href="JaVaScRiPt:alert(1)">x</a>',
    '<a href=" javascript:alert(1)">x</a>',
    '<a href="java&#x09;script:alert(1)">x</a>',
    '<a href="vbscript:msgbox(1)">x</a>',
    '<a href="data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==">x</a>',
    "<style>body{background:url(javascript:alert(1))}</style>",
    '<div style="background:url(javascript:alert(1))">x</div>',
    "<body onload=alert(1)>x</body>",
    "<svg onload=alert(1)><circle/></svg>",
    "<math><mtext><table><mglyph><style><img src=x onerror=alert(1)>",
    '<iframe src="https://evil.example"></iframe>',
    '<object data="https://evil.example/x.swf"></object><embed src="x.swf">',
    '<form action="https://evil.example"><input name="pnr"><button>Skicka</button></form>',
    '<meta http-equiv="refresh" content="0;url=https://evil.example">',
    '<base href="https://evil.example/"><link rel="stylesheet" href="https://evil.example/x.css">',
    '<p onmouseover="alert(1)" onclick=alert(1)>x</p>',
    '<img src="https://tracker.example/pixel.gif" width="1">',
    '<noscript><p title="</noscript><img src=x onerror=alert(1)>"></noscript>',
]


@pytest.mark.parametrize("snippet", HOSTILE_HTML)
def test_hostile_html_does_not_survive_sanitising(snippet):
    raw = mail("From: a@example.com", "Content-Type: text/html; charset=utf-8", body=snippet)
    parsed = parse(raw)
    html = parsed.html.lower()
    for forbidden in ("<script", "javascript:", "vbscript:", "data:", "<style", "style=", "<img"):
        assert forbidden not in html
    for forbidden in ("<iframe", "<object", "<embed", "<form", "<input", "<meta", "<base", "<link"):
        assert forbidden not in html
    assert not re.search(r"\son[a-z]+\s*=", html)
    assert "alert(" not in parsed.text


def test_safe_links_are_kept_and_relative_ones_dropped():
    body = (
        '<a href="https://www.kommun.se/bygglov">Bygglov</a> '
        '<a href="mailto:kundtjanst@kommun.se">mejla</a> '
        '<a href="/admin/">admin</a>'
    )
    raw = mail("From: a@example.com", "Content-Type: text/html; charset=utf-8", body=body)
    parsed = parse(raw)
    assert '<a href="https://www.kommun.se/bygglov" rel="noopener noreferrer nofollow">' in (
        parsed.html
    )
    assert 'href="mailto:kundtjanst@kommun.se"' in parsed.html
    assert "/admin/" not in parsed.html
    assert parsed.text == "Bygglov <https://www.kommun.se/bygglov> mejla admin"


def test_plain_text_is_preferred_and_html_is_still_sanitised():
    message = new_message()
    message.set_content("Vanlig text")
    message.add_alternative("<p onclick='x()'>HTML-text</p><script>x()</script>", subtype="html")
    parsed = parse(message.as_bytes(policy=SMTP))
    assert parsed.text == "Vanlig text"
    assert parsed.html == "<p>HTML-text</p>"


def test_an_empty_plain_alternative_falls_back_to_the_html():
    message = new_message()
    message.set_content(" \n")
    message.add_alternative("<div>Bara</div><div>HTML</div>", subtype="html")
    assert parse(message.as_bytes(policy=SMTP)).text == "Bara\nHTML"


# --- The duplicate hash ----------------------------------------------------------------------


def _citizen_mail(*extra: str, body: str = "Hej!\nFråga om bygglov.\n") -> bytes:
    message = EmailMessage()
    for header in extra:
        name, _, value = header.partition(": ")
        message[name] = value
    message["From"] = "Anna Berglund <anna.berglund@example.com>"
    message["To"] = "kundtjanst@kommun.se"
    message["Date"] = "Mon, 2 Mar 2026 08:13:51 +0100"
    message["Message-ID"] = "<abc@example.com>"
    message["Subject"] = "Bygglov för altan"
    message.set_content(body)
    message.add_attachment(
        b"%PDF-1.4 ritning", maintype="application", subtype="pdf", filename="ritning.pdf"
    )
    return message.as_bytes(policy=SMTP)


def test_the_same_message_delivered_twice_has_the_same_hash():
    first = parse(
        _citizen_mail("Received: from a by mx1.kommun.se; Mon, 2 Mar 2026 08:14:06 +0100")
    )
    second = parse(
        _citizen_mail(
            "Received: from mx2.kommun.se by exch01.kommun.local; Mon, 2 Mar 2026 09:00:00 +0100",
            "Received: from a by mx2.kommun.se; Mon, 2 Mar 2026 08:59:58 +0100",
            "Return-Path: <anna.berglund@example.com>",
            "X-Spam-Score: 0.1",
        )
    )
    assert first.received_at != second.received_at
    assert first.content_hash == second.content_hash


def test_a_subject_encoded_differently_by_a_relay_keeps_the_hash():
    raw = _citizen_mail()
    assert b"Subject: Bygglov =?utf-8?q?f=C3=B6r?= altan" in raw
    reencoded = raw.replace(
        b"Subject: Bygglov =?utf-8?q?f=C3=B6r?= altan",
        b"Subject: =?UTF-8?B?QnlnZ2xvdiBmw7ZyIGFsdGFu?=",
    )
    assert parse(raw).content_hash == parse(reencoded).content_hash


def test_a_different_body_or_attachment_changes_the_hash():
    original = parse(_citizen_mail()).content_hash
    assert parse(_citizen_mail(body="Hej!\nFråga om marklov.\n")).content_hash != original
    other_file = _citizen_mail().replace(b"JVBERi0xLjQgcml0bmluZw==", b"JVBERi0xLjQgUklUTklORw==")
    assert other_file != _citizen_mail()
    assert parse(other_file).content_hash != original


# --- Garbage in, ParsedMail out --------------------------------------------------------------


def _assert_sane(parsed: ParsedMail) -> None:
    assert parsed.kind in KINDS
    assert parsed.received_at.tzinfo == UTC
    assert parsed.date_header is None or parsed.date_header.tzinfo == UTC
    assert not any("internal parser error" in problem for problem in parsed.problems)
    strings = [parsed.subject, parsed.text, parsed.html, parsed.from_name, *parsed.problems]
    strings += [attachment.filename for attachment in parsed.attachments]
    for value in strings:
        value.encode("utf-8")  # no lone surrogates: every string can be stored
        assert "\x00" not in value


@pytest.mark.parametrize(
    "raw",
    [
        b"",
        b"\r\n\r\n",
        b"From: a@example.com\r\nSubject: bara huvuden\r\n",
        b"Subject: \xff\xfe\x00\x01\r\nContent-Type: multipart/mixed\r\n\r\n--x\r\n",
        b"\x00" * 100,
        b"Content-Type: multipart/mixed; boundary=x\r\n\r\n--x\r\nContent-Type: text/plain\r\n",
        b'Content-Type: text/plain; charset="\r\nContent-Transfer-Encoding: base64\r\n\r\n!!!*',
        b"Content-Type: message/rfc822\r\nContent-Transfer-Encoding: base64\r\n\r\nnot base64",
        b"From: " + b"<" * 5000 + b"\r\nTo: " + b"a@b, " * 20000 + b"\r\n\r\nx",
        b"Subject: " + b"=?utf-8?Q?" * 5000 + b"\r\n\r\nx",
    ],
    ids=lambda raw: repr(raw[:30]),
)
def test_garbage_returns_a_parsed_mail_with_problems(raw):
    parsed = parse(raw)
    _assert_sane(parsed)
    assert parsed.problems


def test_random_bytes_never_raise():
    generator = random.Random(20260302)
    for size in (1, 17, 512, 4096, 65536):
        parsed = parse(generator.randbytes(size))
        _assert_sane(parsed)
        assert parsed.problems


def test_mutated_corpus_messages_never_raise():
    """Truncations, deletions and stray bytes over the corpus: a cheap fuzzer, seeded."""
    generator = random.Random(4471)
    samples = [(CORPUS / name).read_bytes() for name in CORPUS_FILES]
    noise = [b"\r\n", b"\n\n", b"=?", b"?=", b"--", b"<", b";", b"\x00", b"\xff", b'"', b"("]
    for _ in range(300):
        data = bytearray(generator.choice(samples))
        for _ in range(generator.randint(1, 6)):
            position = generator.randrange(len(data) + 1)
            operation = generator.random()
            if operation < 0.3:
                del data[position : position + generator.randint(1, 200)]
            elif operation < 0.45:
                del data[position:]
            else:
                data[position:position] = generator.choice(noise)
        _assert_sane(parse(bytes(data)))


def test_truncated_mime_keeps_what_arrived():
    raw = (CORPUS / "06_iphone_mixed_pdf_and_photo.eml").read_bytes()
    parsed = parse(raw[: raw.index(b"Content-Type: application/pdf")])
    _assert_sane(parsed)
    assert "Garaget placeras 4,5 meter från tomtgränsen." in parsed.text
    assert parsed.problems


def test_deep_nesting_is_cut_off_with_a_problem():
    nested = b"Content-Type: multipart/mixed; boundary=b0\r\n\r\n"
    for level in range(1, 60):
        nested += b"--b%d\r\nContent-Type: multipart/mixed; boundary=b%d\r\n\r\n" % (
            level - 1,
            level,
        )
    parsed = parse(nested + b"--b59\r\nContent-Type: text/plain\r\n\r\ndjupt\r\n")
    _assert_sane(parsed)
    assert any("nested deeper" in problem for problem in parsed.problems)


def test_deeply_nested_html_loses_its_tags_but_keeps_its_text():
    body = "<div>" * 2000 + "Hej<script>alert(1)</script>" + "</div>" * 2000
    raw = mail("From: a@example.com", "Content-Type: text/html; charset=utf-8", body=body)
    parsed = parse(raw)
    assert parsed.text == "Hej"
    assert "<script" not in parsed.html
    assert any("HTML nested deeper" in problem for problem in parsed.problems)


def test_a_header_line_without_colon_joins_the_previous_header():
    raw = mail(
        "From: a@example.com",
        "To: kundtjanst@kommun.se,",
        "bygg@kommun.se",
        "Subject : Fråga",
        body="Hej",
    )
    parsed = parse(raw)
    assert parsed.to == ("kundtjanst@kommun.se", "bygg@kommun.se")
    assert parsed.subject == "Fråga"
    assert parsed.text == "Hej"
    assert any("without a colon" in problem for problem in parsed.problems)


def test_a_body_without_a_blank_line_after_the_headers_is_kept():
    parsed = parse(b"From: a@example.com\r\nSubject: x\r\nHej, jag undrar om bygglov.\r\n")
    assert parsed.subject == "x"
    assert parsed.text == "Hej, jag undrar om bygglov."


# --- Message ids, addresses and references ---------------------------------------------------


@pytest.mark.parametrize(
    ("header", "expected"),
    [
        ("<kt.2026.000123.abc@kundtjanst.kommun.se>", "<kt.2026.000123.abc@kundtjanst.kommun.se>"),
        ("  < abc @ example.com >  ", "<abc@example.com>"),
        ("<abc@example.com> (Anna's message)", "<abc@example.com>"),
        ("abc@example.com", "<abc@example.com>"),
        ("<no-at-sign>", ""),
        ("garbage", ""),
        ("<>", ""),
    ],
)
def test_message_ids_are_normalised(header, expected):
    parsed = parse(mail("From: a@example.com", f"Message-ID: {header}"))
    assert parsed.message_id == expected
    if not expected:
        assert any("Message-ID" in problem for problem in parsed.problems)


def test_threading_headers_keep_order_and_drop_noise():
    raw = mail(
        "From: a@example.com",
        'In-Reply-To: Your message of "Mon, 2 Mar 2026" <kt.1@kundtjanst.kommun.se>',
        "References: <first@example.com>\n\t<kt.1@kundtjanst.kommun.se>"
        " <first@example.com> <garbage>",
    )
    parsed = parse(raw)
    assert parsed.in_reply_to == ("<kt.1@kundtjanst.kommun.se>",)
    assert parsed.references == ("<first@example.com>", "<kt.1@kundtjanst.kommun.se>")


@pytest.mark.parametrize(
    ("header", "expected", "malformed"),
    [
        (
            '"Svensson, Per" <Per.Svensson@Example.SE>, anna@example.com',
            ("per.svensson@example.se", "anna@example.com"),
            False,
        ),
        ("kundtjanst@kommun.se; bygg@kommun.se", ("kundtjanst@kommun.se", "bygg@kommun.se"), True),
        ("Anna <anna@example.com", ("anna@example.com",), True),
        ("a@example.com b@example.com", ("a@example.com", "b@example.com"), True),
        ("undisclosed-recipients:;", (), False),
        ("=?utf-8?Q?Kundtj=C3=A4nst?= <kundtjanst@kommun.se>", ("kundtjanst@kommun.se",), False),
    ],
)
def test_address_lists_are_read_leniently(header, expected, malformed):
    parsed = parse(mail("From: a@example.com", f"To: {header}"))
    assert parsed.to == expected
    assert any(p.startswith("To: malformed") for p in parsed.problems) == malformed


def test_from_falls_back_to_sender_and_keeps_a_name_without_address():
    parsed = parse(mail("From: Anna Berglund", "Sender: <anna@example.com>"))
    assert (parsed.from_address, parsed.from_name) == ("anna@example.com", "")
    parsed = parse(mail("From: =?utf-8?Q?Anna_=C3=85berg?="))
    assert (parsed.from_address, parsed.from_name) == ("", "Anna Åberg")
    assert any("From: no address" in problem for problem in parsed.problems)


@pytest.mark.parametrize(
    ("subject", "body", "case_tag", "suggested"),
    [
        ("SV: [KT-2026-000123] Bygglov", "", "KT-2026-000123", ()),
        ("Re: [kt-2026-000123] Bygglov", "", "", ("KT-2026-000123",)),
        ("[KT-2026-00123] Bygglov", "", "", ("KT-2026-000123",)),
        ("Angående KT 2026-123", "", "", ("KT-2026-000123",)),
        ("Fråga", "Ärende KT2026000123 och kt_2026_45", "", ("KT-2026-000123", "KT-2026-000045")),
        (
            "Fråga",
            "ärendenummer 2026-123, referens: 2026–7",
            "",
            ("KT-2026-000123", "KT-2026-000007"),
        ),
        (
            "[KT-2026-000123]",
            "Gäller KT-2026-123 och KT-2025-004512",
            "KT-2026-000123",
            ("KT-2025-004512",),
        ),
        ("[KT-2026-000123] [KT-2026-000200]", "", "KT-2026-000123", ("KT-2026-000200",)),
        ("Fråga", "den 2026-03-02, ärende 2026-03-02, AKT 2026-5, KT-2026-000000", "", ()),
        ("Fråga", "KT-2026-1234567 och tel 070-174 06 12", "", ()),
    ],
)
def test_references_are_normalised_into_suggestions(subject, body, case_tag, suggested):
    message = new_message()
    message["Subject"] = subject
    message.set_content(body or "Hej")
    parsed = parse(message.as_bytes(policy=SMTP))
    assert parsed.case_tag == case_tag
    assert parsed.suggested_refs == suggested


# --- Kinds -----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("headers", "kind"),
    [
        (("Auto-Submitted: no",), "citizen"),
        (("Auto-Submitted: auto-generated",), "auto_reply"),
        (("Auto-Submitted: auto-replied (vacation)",), "auto_reply"),
        (("X-Autorespond: Semester",), "auto_reply"),
        (("Precedence: auto_reply",), "auto_reply"),
        (("Subject: Frånvaromeddelande: Re: ditt ärende",), "citizen"),
        (("Subject: Out of office", "Precedence: bulk"), "auto_reply"),
        (("Precedence: list",), "bulk"),
        (("List-Unsubscribe: <https://news.example.com/u>",), "bulk"),
        (("X-Spam-Flag: yes",), "spam"),
        (("X-Spam-Status: Yes, score=9.1",), "spam"),
        (("X-Spam-Status: No, score=0.1", "X-Spam-Flag: NO"), "citizen"),
        (("X-Spam-Flag: YES", "Auto-Submitted: auto-replied"), "auto_reply"),
        (("X-Spam-Flag: YES", "List-Id: <a.example.com>"), "spam"),
        (("X-Failed-Recipients: nils@example.com", "Auto-Submitted: auto-replied"), "bounce"),
    ],
)
def test_kind_from_headers(headers, kind):
    assert parse(mail("From: a@example.com", *headers)).kind == kind


def test_daemon_sender_is_a_bounce_only_with_a_non_delivery_subject():
    bounce = mail(
        "From: Mail Delivery Subsystem <mailer-daemon@googlemail.com>",
        "Subject: Delivery Status Notification (Failure)",
        "In-Reply-To: <kt.2026.000140.f3a9@kundtjanst.kommun.se>",
    )
    parsed = parse(bounce)
    assert parsed.kind == "bounce"
    assert parsed.bounced_message_ids == ("<kt.2026.000140.f3a9@kundtjanst.kommun.se>",)
    question = mail("From: postmaster@example.com", "Subject: Fråga om er SPF-post")
    assert parse(question).kind == "citizen"


def test_read_receipt_from_a_disposition_notification_report():
    raw = mail(
        "From: a@example.com",
        "Subject: Läst: Bygglov",
        'Content-Type: multipart/report; report-type="disposition-notification"; boundary=r',
        body="--r\r\nContent-Type: text/plain\r\n\r\nLäst\r\n--r\r\n"
        "Content-Type: message/disposition-notification\r\n\r\n"
        "Original-Message-ID: <kt.1@kundtjanst.kommun.se>\r\n--r--\r\n",
    )
    parsed = parse(raw)
    assert parsed.kind == "read_receipt"
    assert parsed.bounced_message_ids == ()


def test_a_citizen_forwarding_a_bounce_is_still_a_citizen():
    bounce = (CORPUS / "18_postfix_dsn_bounce.eml").read_bytes()
    message = EmailMessage()
    message["From"] = "anna@example.com"
    message["Subject"] = "Fwd: mitt mejl till er studsade"
    message.set_content("Se nedan.")
    message.add_attachment(bounce, maintype="message", subtype="rfc822")
    parsed = parse(message.as_bytes(policy=SMTP))
    assert parsed.kind == "citizen"
    assert parsed.bounced_message_ids == ()
    assert FORWARDED_SEPARATOR in parsed.text


# --- Attachments and forwarded messages ------------------------------------------------------


def test_attachment_names_are_decoded_stripped_and_numbered_when_missing():
    message = new_message()
    message.set_content("Se bilagor.")
    message.add_attachment(b"%PDF", maintype="application", subtype="pdf", filename="../../x.pdf")
    message.add_attachment(b"%PDF-2", maintype="application", subtype="pdf")
    message.add_attachment(b"csv", maintype="text", subtype="csv", filename="Avgifter åäö.csv")
    message.add_attachment("logg\n", subtype="plain", disposition="attachment")
    parsed = parse(message.as_bytes(policy=SMTP))
    assert [a.filename for a in parsed.attachments] == [
        "x.pdf",
        "bilaga-2",
        "Avgifter åäö.csv",
        "bilaga-4",
    ]
    assert [a.content_type for a in parsed.attachments] == [
        "application/pdf",
        "application/pdf",
        "text/csv",
        "text/plain",
    ]
    assert parsed.attachments[1].data == b"%PDF-2"
    assert parsed.text == "Se bilagor."


def test_unnamed_inline_images_of_the_html_are_not_attachments():
    message = new_message()
    message.set_content("Text")
    message.add_alternative('<p>Logga <img src="cid:logo@x"></p>', subtype="html")
    html_part = message.get_payload()[1]
    html_part.add_related(b"\x89PNG", maintype="image", subtype="png", cid="<logo@x>")
    parsed = parse(message.as_bytes(policy=SMTP))
    assert parsed.attachments == ()
    assert parsed.text == "Text"


def test_forwarded_messages_nest_with_their_attachments():
    inner = EmailMessage()
    inner["From"] = "Maria Holm <maria@example.org>"
    inner["Subject"] = "Buller"
    inner.set_content("Det borras klockan sex.")
    inner.add_attachment(b"%PDF", maintype="application", subtype="pdf", filename="matning.pdf")
    middle = EmailMessage()
    middle["From"] = "per@example.org"
    middle["Subject"] = "Fwd: Buller"
    middle.set_content("Från mamma.")
    middle.add_attachment(inner)
    outer = EmailMessage()
    outer["From"] = "per@example.org"
    outer["Subject"] = "Fwd: Fwd: Buller"
    outer.set_content("Se nedan.")
    outer.add_attachment(middle)

    parsed = parse(outer.as_bytes(policy=SMTP))

    assert parsed.subject == "Fwd: Fwd: Buller"
    assert parsed.text.count(FORWARDED_SEPARATOR) == 2
    assert parsed.text.startswith("Se nedan.\n\n" + FORWARDED_SEPARATOR + "\nFrån: per@example.org")
    assert "Från: Maria Holm <maria@example.org>\nÄmne: Buller\n\nDet borras klockan sex." in (
        parsed.text
    )
    assert [a.filename for a in parsed.attachments] == ["matning.pdf"]
