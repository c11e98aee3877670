"""The words that agree with a count."""
import pytest

from app.common.text import plural


@pytest.mark.parametrize("count, words, expected", [
    (0, ("claim",), "0 claims"), (1, ("claim",), "1 claim"), (2, ("claim",), "2 claims"),
    (1, ("family", "families"), "1 family"), (3, ("family", "families"), "3 families"),
])
def test_plural(count, words, expected):
    assert plural(count, *words) == expected
