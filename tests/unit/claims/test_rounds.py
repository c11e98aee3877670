from datetime import date

import pytest

from app.claims import rounds


@pytest.mark.parametrize("month, window", [
    (date(2026, 5, 1), (date(2024, 5, 1), date(2025, 11, 30))),
    (date(2026, 3, 17), (date(2024, 3, 1), date(2025, 9, 30))),
    (date(2026, 8, 1), (date(2024, 8, 1), date(2026, 2, 28))),
    (date(2024, 8, 1), (date(2022, 8, 1), date(2024, 2, 29))),
])
def test_window(month, window):
    assert rounds.round_window(month) == window


def test_window_is_configurable():
    assert rounds.round_window(date(2026, 5, 1), 12, 3) == (date(2025, 5, 1), date(2026, 2, 28))
    with pytest.raises(ValueError):
        rounds.round_window(date(2026, 5, 1), 3, 6)


@pytest.mark.parametrize("code", ["2026-13", "26-05", "2026-5", "", "2026-00", "abcd-ef", "1999-01"])
def test_bad_round_codes(code):
    with pytest.raises(rounds.RoundCodeInvalid):
        rounds.parse_round(code)


def test_round_code():
    assert rounds.parse_round(" 2026-05 ") == date(2026, 5, 1)


def test_sample_is_reproducible_from_its_seed():
    ids = list(range(1, 201))
    first = rounds.draw_sample(ids, 10, 12345)
    assert len(first) == 20 and first == rounds.draw_sample(list(reversed(ids)), 10, 12345)
    assert first != rounds.draw_sample(ids, 10, 12346)
    assert set(first) <= set(ids)


@pytest.mark.parametrize("count, percent, size", [(0, 10, 0), (1, 10, 1), (9, 10, 1), (11, 10, 2), (10, 100, 10)])
def test_sample_size(count, percent, size):
    assert rounds.sample_size(count, percent) == size


def test_money():
    assert rounds.pence("800") == 80000 and rounds.pence("1000.5") == 100050
    with pytest.raises(ValueError):
        rounds.pence("1.005")
    assert rounds.pounds(80000) == "800.00" and rounds.money(123456) == "£1,234.56"


def test_canonical_hash_ignores_key_order():
    a = rounds.canonical_json({"b": 1, "a": [date(2026, 1, 2)]})
    b = rounds.canonical_json({"a": [date(2026, 1, 2)], "b": 1})
    assert a == b and rounds.sha256_of(a) == rounds.sha256_of(b) and len(rounds.sha256_of(a)) == 64


def test_financial_year():
    assert rounds.financial_year_starting(date(2026, 3, 31)) == 2025
    assert rounds.financial_year_starting(date(2026, 4, 1)) == 2026
    assert rounds.financial_year(2026) == (date(2026, 4, 1), date(2027, 3, 31))
