"""Check the demo checklists and the relevance fixture (standard library only, no Django).

Run from the repository root:

    .venv/bin/python checklists/demo/validate.py

Prints a summary and exits non-zero if anything is wrong.
"""

from __future__ import annotations

import datetime as dt
import json
import re
import sys
import unicodedata
from collections import Counter, defaultdict
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
CHECKLISTS = ROOT / "checklists" / "demo" / "checklists.json"
QUERIES = ROOT / "tests" / "checklists" / "relevance_queries.json"
DATA = ROOT / "cases" / "demo" / "data.py"

FORMAT = "kundtjanst-checklists/1"
STATUSES = ("published", "in_review", "draft")
CLASSES = ("plain", "inflected", "compound", "misspelt", "no_diacritics", "long", "synonym")
LINK_PREFIX = "https://www.example-kommun.se/"
MIN_CHECKLISTS = 166
MIN_PUBLISHED = 150
MIN_QUERIES = 60
MIN_PER_CLASS = 8
LONG_WORDS = (20, 40)
TITLE_MAX = 200  # ChecklistVersion.title / escalation_target max_length

# (field, type, min items, max items) for the list fields.
LIST_FIELDS = (
    ("questions", str, 3, 6),
    ("keywords", str, 3, 8),
    ("steps", str, 3, 7),
    ("collect", str, 0, 4),
    ("links", dict, 0, 2),
)
REQUIRED = (
    "department", "service", "title", "questions", "keywords", "steps", "collect", "links",
    "rosa_level", "escalation_target", "public", "status", "review_by",
)  # fmt: skip

# Words too common to count as a shared stem between a query and a checklist.
_COMMON_TEXT = """
    till inte eller efter sedan fråga frågor kommun kommunen kommunens måste kunna skulle
    något några någon många mycket också bara redan varit detta dessa denna vilken vilka
    varför egentligen ganska hälsningar tack förhand själv henne honom hennes hans deras
    finns gäller just veckan månaden morgon dag
    """
COMMON = frozenset(_COMMON_TEXT.split())

problems: list[str] = []


def problem(message: str) -> None:
    problems.append(message)


# --- the demo municipality's departments and services ------------------------------------------


def load_services() -> dict[str, str]:
    """service code -> department code, from cases/demo/data.py (plain dataclasses: importing
    it needs no Django settings)."""
    sys.path.insert(0, str(ROOT))
    try:
        from cases.demo.data import DEPARTMENTS  # noqa: PLC0415
    finally:
        sys.path.pop(0)
    return {s.code: d.code for d in DEPARTMENTS for s in d.services}


# --- text helpers -------------------------------------------------------------------------------

_FOLD = str.maketrans({"å": "a", "ä": "a", "ö": "o", "é": "e", "ü": "u"})


def fold(text: str) -> str:
    return unicodedata.normalize("NFC", text).casefold().translate(_FOLD)


def flat(text: str) -> str:
    """Lower case, punctuation and Markdown removed, whitespace collapsed (for verbatim checks)."""
    return " ".join(re.findall(r"[^\W_]+", unicodedata.normalize("NFC", text).casefold()))


def tokens(text: str) -> list[str]:
    return re.findall(r"[^\W\d_]+", fold(text))


def shares_stem(query: str, checklist: dict) -> bool:
    """Crude: does some query word of 4+ letters share a stem or a compound part with the text?

    A word counts when its first five letters occur in the checklist text (inflections such as
    "bygglovet", missing diacritics), when it starts with a word of the text ("kärltömningsdag"
    starts with "kärl"), or contains a word of six letters or more ("syskonrabattfel"). A query
    that only uses synonyms shares nothing.
    """
    text = fold(" ".join([checklist["title"], *checklist["questions"], *checklist["keywords"],
                          *checklist["steps"]]))  # fmt: skip
    common = {fold(w) for w in COMMON}
    text_words = {w for w in tokens(text) if len(w) >= 4 and w not in common}
    for word in tokens(query):
        if len(word) < 4 or word in common:
            continue
        if word[:5] in text:
            return True
        if any(word.startswith(w) or (len(w) >= 6 and w in word) for w in text_words):
            return True
    return False


# --- checks -------------------------------------------------------------------------------------


def check_checklists(data: object, services: dict[str, str]) -> list[dict]:
    if not isinstance(data, dict):
        problem("checklists.json: top level is not an object")
        return []
    if data.get("format") != FORMAT:
        problem(f"checklists.json: format is {data.get('format')!r}, expected {FORMAT!r}")
    items = data.get("checklists")
    if not isinstance(items, list):
        problem("checklists.json: 'checklists' is not a list")
        return []
    titles: Counter[str] = Counter()
    for n, c in enumerate(items):
        where = f"checklist #{n} ({c.get('title', '?') if isinstance(c, dict) else '?'})"
        if not isinstance(c, dict):
            problem(f"{where}: not an object")
            continue
        missing = [f for f in REQUIRED if f not in c]
        extra = sorted(set(c) - set(REQUIRED))
        if missing:
            problem(f"{where}: missing fields {missing}")
            continue
        if extra:
            problem(f"{where}: unknown fields {extra}")
        for f in ("department", "service", "title", "escalation_target", "status", "review_by"):
            if not isinstance(c[f], str) or not c[f].strip():
                problem(f"{where}: {f} must be a non-empty string")
        if any(not isinstance(c[f], str) for f in ("department", "service", "title")):
            continue
        if len(c["title"]) > TITLE_MAX or len(c["escalation_target"]) > TITLE_MAX:
            problem(f"{where}: title or escalation_target longer than {TITLE_MAX}")
        titles[c["title"].strip().casefold()] += 1
        if c["service"] not in services:
            problem(f"{where}: unknown service {c['service']!r}")
        elif services[c["service"]] != c["department"]:
            problem(
                f"{where}: service {c['service']!r} belongs to {services[c['service']]!r}, "
                f"not {c['department']!r}"
            )
        for field, kind, low, high in LIST_FIELDS:
            value = c[field]
            if not isinstance(value, list) or not all(isinstance(v, kind) for v in value):
                problem(f"{where}: {field} must be a list of {kind.__name__}")
                continue
            if not low <= len(value) <= high:
                problem(f"{where}: {field} has {len(value)} items, expected {low}–{high}")
            if kind is str:
                if any(not v.strip() for v in value):
                    problem(f"{where}: {field} has an empty item")
                if len({v.casefold() for v in value}) != len(value):
                    problem(f"{where}: {field} has duplicates")
        for link in c["links"] if isinstance(c["links"], list) else ():
            if not isinstance(link, dict) or set(link) != {"title", "url"}:
                problem(f"{where}: a link must be {{'title', 'url'}}")
            elif not str(link["url"]).startswith(LINK_PREFIX) or not str(link["title"]).strip():
                problem(f"{where}: link {link!r} must have a title and point to {LINK_PREFIX}")
        rosa = c["rosa_level"]
        if not isinstance(rosa, int) or isinstance(rosa, bool) or not 1 <= rosa <= 6:
            problem(f"{where}: rosa_level {rosa!r} is not an integer 1–6")
        if not isinstance(c["public"], bool):
            problem(f"{where}: public must be true or false")
        if c["status"] not in STATUSES:
            problem(f"{where}: status {c['status']!r} not in {STATUSES}")
        try:
            dt.date.fromisoformat(c["review_by"])
        except (TypeError, ValueError):
            problem(f"{where}: review_by {c['review_by']!r} is not an ISO date")
    for title, count in titles.items():
        if count > 1:
            problem(f"title used {count} times: {title!r}")
    return [c for c in items if isinstance(c, dict) and all(f in c for f in REQUIRED)]


def check_coverage(checklists: list[dict], services: dict[str, str]) -> None:
    by_status = Counter(c["status"] for c in checklists)
    if len(checklists) < MIN_CHECKLISTS:
        problem(f"only {len(checklists)} checklists, expected at least {MIN_CHECKLISTS}")
    if by_status["published"] < MIN_PUBLISHED:
        problem(f"only {by_status['published']} published, expected at least {MIN_PUBLISHED}")
    published = {c["service"] for c in checklists if c["status"] == "published"}
    for code in services:
        if code not in published:
            problem(f"service {code!r} has no published checklist")


def check_queries(data: object, checklists: list[dict]) -> list[dict]:
    if not isinstance(data, dict) or not isinstance(data.get("queries"), list):
        problem("relevance_queries.json: expected an object with a 'queries' list")
        return []
    by_title = {c["title"]: c for c in checklists}
    seen: Counter[str] = Counter()
    everything = [(c["title"], [c["title"], *c["questions"]]) for c in checklists]
    for n, q in enumerate(data["queries"]):
        where = f"query #{n}"
        # "added_for": staged for the issue whose search work it measures (see test_relevance).
        if not isinstance(q, dict) or set(q) - {"added_for"} != {"query", "expected", "class"}:
            problem(f"{where}: must be an object with query, expected, class (and added_for)")
            continue
        if not all(isinstance(q[f], str) and q[f].strip() for f in ("query", "expected", "class")):
            problem(f"{where}: query, expected and class must be non-empty strings")
            continue
        where = f"query #{n} {q['query'][:50]!r}"
        seen[flat(q["query"])] += 1
        if q["class"] not in CLASSES:
            problem(f"{where}: class {q['class']!r} not in {CLASSES}")
        expected = by_title.get(q["expected"])
        if expected is None:
            problem(f"{where}: expected title {q['expected']!r} is not a checklist")
            continue
        if expected["status"] != "published":
            problem(f"{where}: expected checklist is {expected['status']}, not published")
        text = flat(q["query"])
        for title, phrases in everything:
            for phrase in phrases:
                p = flat(phrase)
                if text in p or p in text:
                    whose = "its expected" if title == q["expected"] else f"another ({title!r})"
                    problem(f"{where}: copies {whose} checklist's title/question {phrase!r}")
        # A synonym query shares no word with its checklist by definition (the thesaurus must
        # bridge it); every other class must share a stem.
        if q["class"] != "synonym" and not shares_stem(q["query"], expected):
            problem(f"{where}: shares no word stem with {q['expected']!r}")
        if q["class"] == "no_diacritics" and re.search(r"[åäöÅÄÖ]", q["query"]):
            problem(f"{where}: class no_diacritics but contains å/ä/ö")
        if q["class"] == "long":
            count = len(q["query"].split())
            if not LONG_WORDS[0] <= count <= LONG_WORDS[1]:
                low, high = LONG_WORDS
                problem(f"{where}: long query has {count} words, expected {low}–{high}")
    for text, count in seen.items():
        if count > 1:
            problem(f"query repeated {count} times: {text!r}")
    queries = [q for q in data["queries"] if isinstance(q, dict) and "class" in q]
    classes = Counter(q["class"] for q in queries)
    if len(queries) < MIN_QUERIES:
        problem(f"only {len(queries)} queries, expected at least {MIN_QUERIES}")
    for cls in CLASSES:
        if classes[cls] < MIN_PER_CLASS:
            problem(f"class {cls!r} has {classes[cls]} queries, expected at least {MIN_PER_CLASS}")
    return queries


# --- summary ------------------------------------------------------------------------------------


def summary(checklists: list[dict], queries: list[dict], services: dict[str, str]) -> None:
    today = dt.datetime.now(dt.UTC).date()
    status = Counter(c["status"] for c in checklists)
    print(f"checklists: {len(checklists)}  " + "  ".join(f"{s}: {status[s]}" for s in STATUSES))
    public = sum(c["public"] is True for c in checklists)
    print(f"public: {public} ({public / max(len(checklists), 1):.0%})")
    overdue = [
        c["title"]
        for c in checklists
        if c["status"] == "published" and c["review_by"] < today.isoformat()
    ]
    print(f"published and overdue for review (before {today}): {len(overdue)}")
    for title in overdue:
        print(f"    {title}")
    rosa = Counter(c["rosa_level"] for c in checklists)
    print("ROSA levels: " + "  ".join(f"{k}: {rosa[k]}" for k in sorted(rosa)))
    per_dept: dict[str, Counter] = defaultdict(Counter)
    per_service = Counter(c["service"] for c in checklists)
    for c in checklists:
        per_dept[c["department"]][c["status"]] += 1
    print("per department:")
    for dept in dict.fromkeys(services.values()):
        counts = per_dept[dept]
        n_services = sum(1 for d in services.values() if d == dept)
        print(
            f"    {dept:24} {sum(counts.values()):3}  ({counts['published']} published, "
            f"{counts['in_review']} in review, {counts['draft']} draft; {n_services} services)"
        )
    print(
        f"checklists per service: min {min(per_service[s] for s in services)}, "
        f"max {max(per_service[s] for s in services)}"
    )
    classes = Counter(q["class"] for q in queries)
    print(f"queries: {len(queries)}  " + "  ".join(f"{c}: {classes[c]}" for c in CLASSES))


def main() -> int:
    services = load_services()
    try:
        checklists_data = json.loads(CHECKLISTS.read_text(encoding="utf-8"))
        queries_data = json.loads(QUERIES.read_text(encoding="utf-8"))
    except (OSError, ValueError) as exc:
        print(f"cannot read the data: {exc}")
        return 2
    checklists = check_checklists(checklists_data, services)
    check_coverage(checklists, services)
    queries = check_queries(queries_data, checklists)
    summary(checklists, queries, services)
    if problems:
        print(f"\n{len(problems)} problem(s):")
        for message in problems:
            print(f"  - {message}")
        return 1
    print("\nOK")
    return 0


if __name__ == "__main__":
    sys.exit(main())
