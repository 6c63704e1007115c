"""The search's candidates now come from its in-memory inverted index (ADR 0010): the
database's full-text index of migration 0002 (PostgreSQL tsvector + GIN, SQLite FTS5 with
triggers) is no longer read, so it goes — every publish wrote it for nothing."""

import importlib

from django.db import migrations

fulltext = importlib.import_module("checklists.migrations.0002_fulltext_index")


class Migration(migrations.Migration):
    dependencies = [("checklists", "0005_learned_terms")]

    operations = [
        migrations.RunPython(
            fulltext._run(
                {"postgresql": fulltext.POSTGRES_REVERSE, "sqlite": fulltext.SQLITE_REVERSE}
            ),
            fulltext._run({"postgresql": fulltext.POSTGRES, "sqlite": fulltext.SQLITE}),
        )
    ]
