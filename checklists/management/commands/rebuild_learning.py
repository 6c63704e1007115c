"""`manage.py rebuild_learning`: recompute the learned weights from the recorded uses."""

from django.core.management.base import BaseCommand

from checklists.learning import learning_rebuild


class Command(BaseCommand):
    help = (
        "Recompute what the search has learned (LearnedTerm) from every recorded checklist use, "
        "after a bulk load, a restore or deletions that bypassed the application."
    )

    def handle(self, *args: object, **options: object) -> None:
        rows = learning_rebuild()
        self.stdout.write(f"{rows} learned term weights.")
