"""The finance export of a round as CSV or XLSX (pandas and openpyxl). Column layout: docs/EXPORTS.md.
One row per claim in the round (claims rejected by internal audit have left it), then a total row whose
count and amount equal the round's totals exactly. Amounts are computed from integer pence; no cell is a
formula, and text that a spreadsheet would run as one is escaped."""
import io

import pandas as pd
import sqlalchemy as sa
from sqlalchemy.orm import aliased

from app.auth.models import User
from app.cases.models import Family
from app.claims import rounds
from app.claims.models import Claim, ClaimRound, ClaimStatus
from app.claims.services import totals
from app.common.spreadsheet import escape_cell
from app.common.text import plural
from app.extensions import db

COLUMNS = ("family_reference", "rule_set", "claim_type", "amount_gbp", "closure_date", "sustainment_end",
           "prepared_by", "approved_by", "sample_result")
FORMATS = ("csv", "xlsx")


def _sample_result(sampled: bool, result) -> str:
    if not sampled:
        return "not_sampled"
    return result.value if result else "pending"


def rows(claim_round: ClaimRound) -> list[dict]:
    preparer, approver = aliased(User), aliased(User)
    names = db.session.execute(
        sa.select(preparer.name, approver.name).select_from(ClaimRound)
        .outerjoin(preparer, preparer.id == ClaimRound.prepared_by_user_id)
        .outerjoin(approver, approver.id == ClaimRound.approved_by_user_id)
        .where(ClaimRound.id == claim_round.id)).one()
    # The columns the export writes, not whole claims: a claim's judged conditions (JSON) are not exported.
    result = db.session.execute(
        sa.select(Family.reference, Claim.rule_set_code, Claim.claim_type, Claim.amount_pence, Claim.closed_on,
                  Claim.sustainment_ends_on, Claim.sampled, Claim.sample_result)
        .join(Family, Family.id == Claim.family_id)
        .where(Claim.round_id == claim_round.id, Claim.status == ClaimStatus.INCLUDED)
        .order_by(Family.reference, Claim.claim_type, Claim.id)).all()
    return [{"family_reference": row.reference, "rule_set": row.rule_set_code, "claim_type": row.claim_type.value,
             "amount_pence": row.amount_pence, "closure_date": row.closed_on,
             "sustainment_end": row.sustainment_ends_on, "prepared_by": names[0] or "",
             "approved_by": names[1] or "", "sample_result": _sample_result(row.sampled, row.sample_result)}
            for row in result]


def frame(claim_round: ClaimRound) -> pd.DataFrame:
    data = rows(claim_round)
    total = totals(claim_round)
    if sum(r["amount_pence"] for r in data) != total.amount_pence or len(data) != total.count:
        raise AssertionError("export rows do not reconcile with the round")  # never shipped unreconciled
    table = [[r["family_reference"], r["rule_set"], r["claim_type"], rounds.pounds(r["amount_pence"]),
              r["closure_date"].isoformat() if r["closure_date"] else "",
              r["sustainment_end"].isoformat() if r["sustainment_end"] else "",
              r["prepared_by"], r["approved_by"], r["sample_result"]] for r in data]
    table.append([f"TOTAL {plural(total.count, 'claim')}", "", "", rounds.pounds(total.amount_pence),
                  "", "", "", "", ""])
    return pd.DataFrame(table, columns=list(COLUMNS), dtype=object).map(escape_cell)


def to_csv(claim_round: ClaimRound) -> bytes:
    out = io.StringIO()
    frame(claim_round).to_csv(out, index=False)
    return out.getvalue().encode("utf-8-sig")  # Excel opens accented names correctly with the BOM


def to_xlsx(claim_round: ClaimRound) -> bytes:
    data = frame(claim_round)
    # Amounts as numbers (two decimals), never formulas: the total is a computed value.
    data["amount_gbp"] = data["amount_gbp"].map(lambda text: float(text) if text != "" else None)
    out = io.BytesIO()
    with pd.ExcelWriter(out, engine="openpyxl") as writer:
        data.to_excel(writer, sheet_name=f"Round {claim_round.code}", index=False)
        sheet = writer.sheets[f"Round {claim_round.code}"]
        for row in sheet.iter_rows(min_row=2, min_col=4, max_col=4):
            for cell in row:
                cell.number_format = "0.00"
                cell.data_type = "n"
    return out.getvalue()


def export_round(claim_round: ClaimRound, fmt: str) -> bytes:
    if fmt not in FORMATS:
        raise ValueError("csv or xlsx")
    return to_csv(claim_round) if fmt == "csv" else to_xlsx(claim_round)
