"""The database's own full-text index over ChecklistSearchDoc (see its docstring)."""

from django.db import migrations

DOC = "checklists_checklistsearchdoc"

POSTGRES = [
    f"""ALTER TABLE {DOC} ADD COLUMN search_vector tsvector GENERATED ALWAYS AS (
        setweight(to_tsvector('simple', title_terms), 'A') ||
        setweight(to_tsvector('simple', question_terms), 'B') ||
        setweight(to_tsvector('simple', keyword_terms), 'B') ||
        setweight(to_tsvector('simple', body_terms), 'D')) STORED""",
    f"CREATE INDEX checklists_doc_search_vector ON {DOC} USING GIN (search_vector)",
]
POSTGRES_REVERSE = [f"ALTER TABLE {DOC} DROP COLUMN search_vector"]

SQLITE = [
    f"""CREATE VIRTUAL TABLE checklists_fts USING fts5(
        title_terms, question_terms, keyword_terms, body_terms,
        content='{DOC}', content_rowid='version_id', tokenize='unicode61')""",
    f"""CREATE TRIGGER checklists_fts_insert AFTER INSERT ON {DOC} BEGIN
        INSERT INTO checklists_fts(rowid, title_terms, question_terms, keyword_terms, body_terms)
        VALUES (new.version_id, new.title_terms, new.question_terms, new.keyword_terms,
                new.body_terms);
    END""",
    f"""CREATE TRIGGER checklists_fts_delete AFTER DELETE ON {DOC} BEGIN
        INSERT INTO checklists_fts(checklists_fts, rowid, title_terms, question_terms,
                                   keyword_terms, body_terms)
        VALUES ('delete', old.version_id, old.title_terms, old.question_terms,
                old.keyword_terms, old.body_terms);
    END""",
    f"""CREATE TRIGGER checklists_fts_update AFTER UPDATE ON {DOC} BEGIN
        INSERT INTO checklists_fts(checklists_fts, rowid, title_terms, question_terms,
                                   keyword_terms, body_terms)
        VALUES ('delete', old.version_id, old.title_terms, old.question_terms,
                old.keyword_terms, old.body_terms);
        INSERT INTO checklists_fts(rowid, title_terms, question_terms, keyword_terms, body_terms)
        VALUES (new.version_id, new.title_terms, new.question_terms, new.keyword_terms,
                new.body_terms);
    END""",
]
SQLITE_REVERSE = [
    "DROP TRIGGER IF EXISTS checklists_fts_update",
    "DROP TRIGGER IF EXISTS checklists_fts_delete",
    "DROP TRIGGER IF EXISTS checklists_fts_insert",
    "DROP TABLE IF EXISTS checklists_fts",
]


def _run(statements_by_vendor):
    def run(apps, schema_editor):
        for statement in statements_by_vendor.get(schema_editor.connection.vendor, []):
            schema_editor.execute(statement)

    return run


class Migration(migrations.Migration):
    dependencies = [("checklists", "0001_initial")]

    operations = [
        migrations.RunPython(
            _run({"postgresql": POSTGRES, "sqlite": SQLITE}),
            _run({"postgresql": POSTGRES_REVERSE, "sqlite": SQLITE_REVERSE}),
        )
    ]
