"""The search ignores the whole Snowball Swedish stop-word list ("åt", "mellan", "samma", …),
not only part of it: the stored terms are processed again, and the function words recorded from
agents' searches are dropped from the learning (they led to suggestions like "mellan")."""

from django.db import migrations


def reindex_and_forget_function_words(apps, schema_editor):
    from checklists.learning import learning_rebuild
    from checklists.search.database import doc_fields
    from checklists.search.text import STOP_WORDS

    docs = apps.get_model("checklists", "ChecklistSearchDoc")
    for doc in docs.objects.select_related("version").iterator(chunk_size=500):
        fields = doc_fields(doc.version)
        for name, value in fields.items():
            setattr(doc, name, value)
        doc.save(update_fields=list(fields))
    uses = apps.get_model("checklists", "SearchTermUse")
    if uses.objects.filter(word__in=STOP_WORDS).delete()[0]:
        learning_rebuild()


class Migration(migrations.Migration):
    dependencies = [("checklists", "0006_drop_fulltext_index")]

    operations = [
        migrations.RunPython(reindex_and_forget_function_words, migrations.RunPython.noop),
    ]
