from sqlalchemy import func, select

from app.extensions import db
from app.framework.models import Descriptor


def test_seed_and_list_commands(app):
    runner = app.test_cli_runner()
    first = runner.invoke(args=["framework", "seed"])
    assert first.exit_code == 0, first.output
    assert "Added 2 versions, 16 headline outcomes" in first.output
    again = runner.invoke(args=["framework", "seed"])
    assert "Added 0 versions, 0 headline outcomes and 0 descriptors" in again.output
    assert db.session.scalar(select(func.count()).select_from(Descriptor)) > 0

    listed = runner.invoke(args=["framework", "list"])
    lines = listed.output.splitlines()
    assert lines[0].startswith("sf2022\tSupporting Families 2022-25\tsupporting_families\t2022-10-03 to onwards")
    assert lines[1].startswith("tf2015\tTroubled Families Phase 2")
    detail = runner.invoke(args=["framework", "list", "--version", "sf2022"]).output
    assert "education: Getting a good education" in detail
    assert "  school_attendance_below_90 [education] School attendance below 90%: at least 90% for 3 terms" in detail
    missing = runner.invoke(args=["framework", "list", "--version", "nope"])
    assert missing.exit_code != 0 and "No framework version with code nope" in missing.output
