"""Tables by agency name the agencies with the most and sum the rest by kind, so a council of 300 schools
gets a table a board can read; the counts still add up to the same totals."""
from app.auth.models import AgencyKind
from app.reporting.queries import AgencyCounts, fold_agencies


def test_few_agencies_are_all_named_in_order():
    rows = [AgencyCounts("Police", AgencyKind.POLICE, None, [2, 0]),
            AgencyCounts("Early help", AgencyKind.EARLY_HELP, None, [3, 1])]
    assert fold_agencies(rows, top=2) == ([("Early help", [3, 1]), ("Police", [2, 0])], False)


def test_the_rest_are_summed_by_kind_with_their_number():
    rows = [AgencyCounts("Police", AgencyKind.POLICE, None, [9, 1]),
            AgencyCounts("School A", AgencyKind.SCHOOL, None, [5, 0]),
            AgencyCounts("School B", AgencyKind.SCHOOL, None, [1, 2]),
            AgencyCounts("School C", AgencyKind.SCHOOL, None, [0, 1]),
            AgencyCounts("Health visitors", AgencyKind.HEALTH, None, [1, 0])]
    folded, was_folded = fold_agencies(rows, top=2)
    assert was_folded
    assert folded == [("Police", [9, 1]), ("School A", [5, 0]),
                      ("Other health (1 agency)", [1, 0]),
                      ("Other school or academy (2 agencies)", [1, 3])]
    assert [sum(c) for c in zip(*(v for _, v in folded), strict=True)] == [16, 4]  # nothing lost or counted twice


def test_detail_rows_fold_per_kind_and_detail_ties_broken_by_name():
    rows = [AgencyCounts("School B", AgencyKind.SCHOOL, "Visit", [2]),
            AgencyCounts("School A", AgencyKind.SCHOOL, "Visit", [1]),
            AgencyCounts("School A", AgencyKind.SCHOOL, "Call", [1]),
            AgencyCounts("School C", AgencyKind.SCHOOL, "Call", [1]),
            AgencyCounts("School C", AgencyKind.SCHOOL, "Visit", [1])]
    folded, _ = fold_agencies(rows, top=2)  # A and B have 2 each, C has 2: the tie goes to the earlier names
    assert folded == [("School A: Call", [1]), ("School A: Visit", [1]), ("School B: Visit", [2]),
                      ("Other school or academy (1 agency): Call", [1]),
                      ("Other school or academy (1 agency): Visit", [1])]
