"""Ranking people (pure): the right person first on realistic near-duplicates, no stranger above them."""
from datetime import date

import pytest

from app.cases import matching, nicknames
from app.cases.matching import Candidate, PersonProbe, rank, score_pair
from tests.unit.cases.matching_cases import PROBES, candidates


def test_there_are_at_least_30_near_duplicates():
    assert len(PROBES) >= 30


@pytest.mark.parametrize(("expected", "probe"), PROBES, ids=[f"{i}-{key}" for i, (key, _) in enumerate(PROBES)])
def test_the_right_person_is_ranked_first_and_no_stranger_above(expected, probe):
    population = candidates()
    ranked = rank(probe, population.values())
    first = ranked[0]
    assert first.candidate.person_id == population[expected].person_id, [
        (m.candidate.full_name, m.score) for m in ranked[:3]]
    assert first.score >= matching.SHOW_FROM
    # Strictly first: a tie with a stranger would leave the manager guessing.
    assert ranked[1].score < first.score


def test_comparisons_say_what_matched_and_what_differed():
    cand = Candidate(1, 1, "HF-000001", "William", "Jones", date(1979, 11, 5), "DM4 7XY")
    match = score_pair(PersonProbe("Bill", "Jones", date(1979, 5, 11), "DM4 7ZZ"), cand)
    parts = {c.part: c for c in match.comparisons}
    assert parts["given_name"].outcome == "similar" and "Bill" in parts["given_name"].note
    assert parts["family_name"].outcome == "same"
    assert "day and month swapped" in parts["date_of_birth"].note
    assert parts["postcode"].outcome == "similar"
    assert [c.part for c in match.differed] == []


def test_a_different_nhs_number_pulls_the_score_down_and_the_same_one_up():
    cand = Candidate(1, 1, None, "Sarah", "Smith", date(1988, 4, 12), "DM1 2AB", nhs_number="9990000018")
    same = score_pair(PersonProbe("Sarah", "Smith", date(1988, 4, 12), "DM1 2AB", nhs_number="9990000018"), cand)
    other = score_pair(PersonProbe("Sarah", "Smith", date(1988, 4, 12), "DM1 2AB", nhs_number="9990000026"), cand)
    assert same.score == 1.0
    assert other.score <= 0.5
    assert other.differed[0].part == "nhs_number"


def test_opposite_genders_lower_the_score():
    cand = Candidate(1, 1, None, "Alex", "Bell", date(2003, 10, 29), "DM7 9RT", gender="female")
    assert score_pair(PersonProbe("Alex", "Bell", date(2003, 10, 29), "DM7 9RT", gender="male"), cand).score < 0.9


def test_nicknames_are_data_and_symmetric():
    assert nicknames.same_name("Bill", "William") and nicknames.same_name("william", "BILL")
    assert nicknames.same_name("Liz", "Elizabeth") and nicknames.same_name("Jim", "James")
    assert nicknames.same_name("Kate", "Catherine") and nicknames.same_name("Kate", "Katherine")
    assert not nicknames.same_name("Kate", "Elizabeth")
    assert {"william", "bill", "will", "liam"} <= nicknames.variants("Billy")


def test_blocking_finds_nothing_for_an_empty_probe():
    assert str(matching.blocking_clause(PersonProbe())) in ("false", "0 = 1")
