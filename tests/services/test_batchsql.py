"""The batched write path's SQL text built in Python, read back by PostgreSQL."""

import pytest
from django.db import connection

from tracker.services.batchsql import array_literal

AWKWARD = [
    "plain",
    "",
    "NULL",
    'a "quoted" word',
    "back\\slash\\",
    "{braces},commas, and spaces ",
    "tab\tnew\nline",
    "é ü 中文 🙂",
    'https://example.org/a?b=1&c="2"#{x}',
]


@pytest.mark.django_db
def test_array_literal_reads_back_as_the_same_strings_and_numbers():
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT %s::varchar[], %s::bigint[], %s::integer[]",
            [array_literal(AWKWARD), array_literal([1, -2, 2**40]), array_literal([])],
        )
        strings, numbers, empty = cursor.fetchone()
    assert strings == AWKWARD
    assert numbers == [1, -2, 2**40]
    assert empty == []
