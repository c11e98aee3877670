"""Bulk import: all or nothing, every problem reported with its line, column and reason."""
import io

from sqlalchemy import func, select

from app.cases import identifiers
from app.extensions import db
from app.referrals.models import Referral, ReferralPerson
from tests.conftest import post_form
from tests.integration.referrals.helpers import framework, reason_codes

HEADER = ("referral_key,referring_agency,address_line_1,town,postcode,reasons,summary,consent,"
          "given_name,family_name,date_of_birth,gender,relationship,nhs_number")


def _nhs_with_leading_zero():
    for n in range(1, 1000):
        body = f"00{n:07d}"
        check = identifiers.nhs_check_digit(body)
        if check is not None:
            return f"{body}{check}"
    raise AssertionError


def _rows(agency, n, codes):
    lines = [HEADER]
    for i in range(n):
        lines.append(f"R{i},{agency},{i} Mill Lane,Northfield,DM1 2AB,{codes},Needs help,agreed,"
                     f"Parent{i},Family{i},1988-04-12,female,parent,")
        lines.append(f"R{i},,,,,,,,Child{i},Family{i},27/03/2015,male,child,")
    return lines


def _count():
    return db.session.scalar(select(func.count(Referral.id)))


def _upload(client, text, name="referrals.csv"):
    return post_form(client, "/referrals/import",
                     {"file": (io.BytesIO(text.encode() if isinstance(text, str) else text), name)},
                     content_type="multipart/form-data")


def test_a_good_file_imports_every_referral_and_keeps_identifiers_as_text(programme_manager_client, factory):
    framework()
    agency = factory.agency("school", name="Northfield Test School")
    lines = _rows(agency.name, 3, ";".join(reason_codes(2)))
    nhs = _nhs_with_leading_zero()
    lines[1] = lines[1] + nhs
    response = _upload(programme_manager_client, "\n".join(lines))
    assert response.status_code == 302, response.get_data(as_text=True)
    assert _count() == 3
    first = db.session.scalar(select(ReferralPerson).where(ReferralPerson.given_name == "Parent0"))
    assert first.nhs_number == nhs and first.nhs_number.startswith("00")
    assert first.referral.referring_agency_id == agency.id and len(first.referral.people) == 2
    # The same file again is refused whole.
    page = _upload(programme_manager_client, "\n".join(lines)).get_data(as_text=True)
    assert "already imported" in page and _count() == 3


def test_one_bad_row_among_many_good_ones_imports_nothing(programme_manager_client, factory):
    framework()
    agency = factory.agency("police", name="Test Constabulary")
    lines = _rows(agency.name, 20, reason_codes(1)[0])
    lines[18] = lines[18].replace("27/03/2015", "31/02/2015")  # an impossible date on line 19
    lines[31] = lines[31].replace(",female,", ",robot,")  # an unknown gender on line 32
    assert "31/02/2015" in lines[18] and "robot" in lines[31]
    lines.append(f"R99,{agency.name},1 Road,Town,DM1 2AB,no_such_reason,Text,agreed,A,B,2000-01-01,male,parent,"
                 "1234567890")
    response = _upload(programme_manager_client, "\n".join(lines))
    page = response.get_data(as_text=True)
    assert response.status_code == 200 and "nothing was imported" in page
    assert _count() == 0
    assert "31/02/2015" not in page  # the table says where and why, not the data
    for expected in ("<td class=\"govuk-table__cell\">19</td>", "date_of_birth", "Date of birth must be a real date",
                     "<td class=\"govuk-table__cell\">32</td>", "Select the person&#39;s gender",
                     "Unknown reason code: no_such_reason", "Enter a valid NHS number"):
        assert expected in page, expected


def test_files_that_are_not_usable_are_refused(programme_manager_client):
    framework()
    cases = [
        ("a,b\n1,2", "referrals.xlsx", "must be a CSV file"),
        ("", "referrals.csv", "is empty"),
        (b"\x00\x01binary", "referrals.csv", "must be a CSV file"),
        ("referral_key,surprise\n1,2", "referrals.csv", "Unknown column"),
        ("referral_key,given_name\n1,2", "referrals.csv", "Missing column"),
        (HEADER + "\n", "referrals.csv", "no rows"),
    ]
    for content, name, message in cases:
        page = _upload(programme_manager_client, content, name).get_data(as_text=True)
        assert message in page, (name, message)
    assert _count() == 0


def test_a_file_over_the_limit_is_refused(app, programme_manager_client, monkeypatch):
    framework()
    monkeypatch.setitem(app.config, "REFERRAL_IMPORT_MAX_BYTES", 1000)
    page = _upload(programme_manager_client, HEADER + "\n" + "x," * 600).get_data(as_text=True)
    assert "must be smaller than" in page


def test_the_command_line_import_is_all_or_nothing_too(app, factory, tmp_path):
    framework()
    manager = factory.user(role="programme_manager")
    agency = factory.agency("health", name="Test Health Trust")
    lines = _rows(agency.name, 5, reason_codes(1)[0])
    bad = tmp_path / "bad.csv"
    bad.write_text("\n".join([*lines[:-1], lines[-1].replace("Child4", "")]))
    result = app.test_cli_runner().invoke(args=["referrals", "import", str(bad), "--as", manager.email])
    assert result.exit_code == 1
    assert "Nothing was imported" in result.output and "line 11, column given_name" in result.output
    assert _count() == 0
    good = tmp_path / "good.csv"
    good.write_text("\n".join(lines))
    result = app.test_cli_runner().invoke(args=["referrals", "import", str(good), "--as", manager.email])
    assert result.exit_code == 0, result.output
    assert "5 referral(s) imported" in result.output and _count() == 5
    result = app.test_cli_runner().invoke(args=["referrals", "import", str(good), "--as", "nobody@example.test"])
    assert result.exit_code != 0 and "programme manager" in result.output
