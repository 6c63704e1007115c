from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from elasticsearch import ApiError, TransportError
from elasticsearch.helpers import BulkIndexError

from checklists.search import SearchBackend, get_backend


def _describe(backend: SearchBackend) -> str:
    alias = getattr(backend, "alias", None)
    return f"Elasticsearch, alias {alias}" if alias else "databasen"


class Command(BaseCommand):
    help = (
        "Sökindexet för checklistor: --rebuild bygger om det i den sökmotor som används "
        "(databasen, eller Elasticsearch när ELASTICSEARCH_URL är satt)."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--rebuild",
            action="store_true",
            help="bygg om indexet från alla publicerade checklistversioner",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        backend = get_backend()
        if not options["rebuild"]:
            self.stdout.write(
                f"Sökmotor: {_describe(backend)}. "
                "Bygg om indexet med: manage.py search_index --rebuild"
            )
            return
        try:
            count = backend.rebuild()
        except (ApiError, TransportError, BulkIndexError) as exc:
            # The cluster is down or refuses the index: say so without a traceback.
            raise CommandError(f"Sökindexet kunde inte byggas om: {exc}") from exc
        self.stdout.write(
            f"Sökindexet är ombyggt ({_describe(backend)}): {count} publicerade checklistversioner."
        )
