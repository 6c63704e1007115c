"""Case references under concurrent creation: no gaps, no duplicates.

Runs on both databases: PostgreSQL proves the row lock (select_for_update) on the counter;
SQLite proves the IMMEDIATE transactions queue writers instead of failing.
"""

import threading

import pytest
from django.db import close_old_connections, connection

from cases import services
from cases.models import Case

pytestmark = pytest.mark.django_db(transaction=True)

WORKERS = 8
CASES_EACH = 15


def test_concurrent_creation_gives_gap_free_unique_references(agent, service):
    barrier = threading.Barrier(WORKERS)
    errors: list[BaseException] = []

    def work() -> None:
        try:
            barrier.wait()
            for _ in range(CASES_EACH):
                services.case_create(channel="phone", summary="Samtidig", by=agent, service=service)
        except BaseException as exc:  # collected and asserted below
            errors.append(exc)
        finally:
            close_old_connections()
            connection.close()

    threads = [threading.Thread(target=work) for _ in range(WORKERS)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert errors == []
    numbers = sorted(
        int(ref.rsplit("-", 1)[1]) for ref in Case.objects.values_list("reference", flat=True)
    )
    assert numbers == list(range(1, WORKERS * CASES_EACH + 1))
