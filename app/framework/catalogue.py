"""The default outcome framework that `flask framework seed` loads: plain data, no database.

Supporting Families 2022-25 (in force from 3 October 2022) with its ten headline outcomes, and the
Troubled Families Phase 2 framework for councils still reporting on it. Descriptors follow the
examples in the national outcome framework and published council outcome plans; a council edits
them afterwards in the admin pages (they are configurable data, see domain.md).
"""
from dataclasses import dataclass
from datetime import date

from app.framework.categories import DataCategory as C
from app.framework.models import Programme
from app.framework.rules import Comparison, MeasureKind, PeriodUnit


@dataclass(frozen=True)
class DescriptorSpec:
    code: str
    description: str
    measure: str
    resolved_when: str
    measure_kind: MeasureKind
    comparison: Comparison
    threshold: float | None
    consecutive_periods: int
    period_unit: PeriodUnit
    category: C

    def as_dict(self) -> dict:
        return {field: getattr(self, field) for field in self.__dataclass_fields__}


@dataclass(frozen=True)
class HeadlineSpec:
    code: str
    name: str
    descriptors: tuple[DescriptorSpec, ...]


@dataclass(frozen=True)
class VersionSpec:
    code: str
    name: str
    programme: Programme
    effective_from: date
    effective_to: date | None
    headlines: tuple[HeadlineSpec, ...]


PCT, COUNT, YES_NO = MeasureKind.PERCENTAGE, MeasureKind.COUNT, MeasureKind.YES_NO
GE, LE, EQ = Comparison.AT_LEAST, Comparison.AT_MOST, Comparison.EQUAL
TERM, MONTH, QUARTER, WEEK = PeriodUnit.TERM, PeriodUnit.MONTH, PeriodUnit.QUARTER, PeriodUnit.WEEK


def _none_for(code, description, measure, resolved_when, periods, unit, category):
    """A need resolved when nothing of the kind is recorded for `periods` periods running."""
    return DescriptorSpec(code, description, measure, resolved_when, COUNT, LE, 0, periods, unit, category)


def _yes(code, description, measure, resolved_when, periods, unit, category):
    """A need resolved when the resolved condition held (yes) for `periods` periods running."""
    return DescriptorSpec(code, description, measure, resolved_when, YES_NO, EQ, None, periods, unit, category)


SUPPORTING_FAMILIES_2022 = VersionSpec(
    code="sf2022",
    name="Supporting Families 2022-25",
    programme=Programme.SUPPORTING_FAMILIES,
    effective_from=date(2022, 10, 3),
    effective_to=None,
    headlines=(
        HeadlineSpec("education", "Getting a good education", (
            DescriptorSpec(
                "school_attendance_below_90", "School attendance below 90%",
                "Attendance percentage over a school term",
                "Attendance at or above 90% over three consecutive terms",
                PCT, GE, 90, 3, TERM, C.EDUCATION),
            _none_for(
                "suspended_or_excluded", "Suspended or excluded from school, or at risk of permanent exclusion",
                "Number of suspensions and exclusions in the term",
                "No suspensions or exclusions for three consecutive terms",
                3, TERM, C.EDUCATION),
            _yes(
                "neet_16_to_18", "Not in education, employment or training (aged 16 to 18)",
                "Whether the young person was in education, employment or training throughout the month",
                "In education, employment or training for three consecutive months",
                3, MONTH, C.EDUCATION),
            _yes(
                "send_needs_unmet", "A child with special educational needs or a disability whose needs are not met",
                "Whether the child's agreed support (SEN support or an EHC plan) was in place in the term",
                "Support in place and reviewed as meeting the child's needs for two consecutive terms",
                2, TERM, C.EDUCATION),
        )),
        HeadlineSpec("early_years", "Good early years development", (
            _yes(
                "early_development_below_expected",
                "A child not at the expected level of development at the 2 to 2½ year review",
                "Whether the child was at the expected level at the latest developmental review",
                "At the expected level at the next developmental review",
                1, QUARTER, C.EDUCATION),
            DescriptorSpec(
                "funded_early_education_not_taken_up",
                "An eligible child not taking up funded early education",
                "Percentage of the child's funded early education hours attended over a term",
                "Attending at least 80% of funded hours over two consecutive terms",
                PCT, GE, 80, 2, TERM, C.EDUCATION),
            _yes(
                "early_parenting_support_needed",
                "An expectant or new parent who needs support with early parenting",
                "Whether the parent engaged with health visiting or parenting support in the month",
                "Engaging with health visiting or parenting support for three consecutive months",
                3, MONTH, C.EDUCATION),
        )),
        HeadlineSpec("health", "Improved mental and physical health", (
            _yes(
                "adult_mental_health_need", "An adult with a mental health need that affects daily life",
                "Whether the adult engaged with mental health treatment or support in the month",
                "Engaging with treatment or support, with improvement confirmed by the practitioner, for three "
                "consecutive months",
                3, MONTH, C.MENTAL_HEALTH),
            _yes(
                "child_mental_health_need", "A child with a mental health or emotional wellbeing need",
                "Whether the child engaged with mental health or wellbeing support in the month",
                "Engaging with support, with improvement confirmed by the practitioner, for three consecutive months",
                3, MONTH, C.MENTAL_HEALTH),
            _none_for(
                "physical_health_need_untreated", "A physical health need that is not being treated",
                "Number of missed health appointments in the month",
                "Attending health appointments, none missed, for three consecutive months",
                3, MONTH, C.HEALTH),
        )),
        HeadlineSpec("substance_use", "Promoting recovery and reducing harm from substance use", (
            _yes(
                "adult_substance_misuse", "An adult with harmful drug or alcohol use",
                "Whether the adult engaged with structured drug or alcohol treatment in the month",
                "In structured treatment or recovery support, with reduced use, for six consecutive months",
                6, MONTH, C.SUBSTANCE_USE),
            _yes(
                "young_person_substance_misuse", "A young person with harmful drug or alcohol use",
                "Whether the young person engaged with a young people's substance use service in the month",
                "Engaging with the service, with reduced use, for three consecutive months",
                3, MONTH, C.SUBSTANCE_USE),
            _none_for(
                "parental_substance_use_affecting_children", "Parental drug or alcohol use affecting the children",
                "Number of incidents in the month where parental substance use affected the children",
                "No such incidents for six consecutive months",
                6, MONTH, C.SUBSTANCE_USE),
        )),
        HeadlineSpec("relationships", "Improved family relationships", (
            _yes(
                "harmful_parental_conflict", "Harmful conflict between parents, below the level of domestic abuse",
                "Whether parents and practitioner agree conflict was reduced in the month",
                "Reduced conflict agreed by parents and practitioner for three consecutive months",
                3, MONTH, C.CASE_NOTE),
            _yes(
                "parent_child_relationship_difficulties",
                "Parenting difficulties or a breakdown in the parent and child relationship",
                "Whether the family's goals for the relationship were met at the monthly review",
                "Goals met at three consecutive monthly reviews",
                3, MONTH, C.CASE_NOTE),
            _yes(
                "young_carer_unsupported", "A young carer whose caring role affects their wellbeing or education",
                "Whether a young carer's assessment and support plan was in place in the month",
                "Support in place and caring role reduced for three consecutive months",
                3, MONTH, C.CASE_NOTE),
        )),
        HeadlineSpec("child_safety", "Children safe from abuse and exploitation", (
            _none_for(
                "child_exploitation_risk", "A child at risk of criminal or sexual exploitation",
                "Number of exploitation concerns reported in the month",
                "No exploitation concerns reported for six consecutive months",
                6, MONTH, C.CHILD_SAFETY),
            _none_for(
                "child_missing_episodes", "A child who has gone missing from home",
                "Number of missing episodes in the month",
                "No missing episodes for three consecutive months",
                3, MONTH, C.CHILD_SAFETY),
            _yes(
                "neglect_concerns", "Concerns about neglect (home conditions, supervision or basic care)",
                "Whether a neglect assessment (such as the Graded Care Profile) found the child's needs met",
                "Needs met at two consecutive quarterly reviews",
                2, QUARTER, C.CHILD_SAFETY),
        )),
        HeadlineSpec("crime", "Crime prevention and tackling crime", (
            _none_for(
                "proven_offence_or_caution", "A proven offence or police caution in the last 12 months",
                "Number of proven offences and cautions in the month",
                "No proven offences or cautions for six consecutive months",
                6, MONTH, C.CRIME),
            _none_for(
                "antisocial_behaviour", "Anti-social behaviour (a warning, injunction or order) in the last 12 months",
                "Number of anti-social behaviour incidents recorded in the month",
                "No anti-social behaviour recorded for six consecutive months",
                6, MONTH, C.CRIME),
            _none_for(
                "child_at_risk_of_offending", "A child at risk of offending or of involvement in serious violence",
                "Number of police-recorded incidents involving the child in the month",
                "No police-recorded incidents for six consecutive months",
                6, MONTH, C.CRIME),
        )),
        HeadlineSpec("domestic_abuse", "Safe from domestic abuse", (
            _none_for(
                "domestic_abuse_incident", "A domestic abuse incident reported in the last 12 months",
                "Number of domestic abuse incidents reported in the month",
                "No incidents reported for six consecutive months",
                6, MONTH, C.DOMESTIC_ABUSE),
            _yes(
                "victim_without_support", "A family member experiencing domestic abuse without specialist support",
                "Whether the victim engaged with a specialist domestic abuse service in the month",
                "Engaging with specialist support, with a safety plan in place, for three consecutive months",
                3, MONTH, C.DOMESTIC_ABUSE),
            _yes(
                "abusive_behaviour", "A family member using abusive behaviour",
                "Whether the person engaged with a behaviour change programme, with no incidents, in the month",
                "Engaged or completed a programme, with no incidents, for six consecutive months",
                6, MONTH, C.DOMESTIC_ABUSE),
        )),
        HeadlineSpec("housing", "Secure housing", (
            _none_for(
                "rent_arrears", "Rent arrears",
                "Number of missed rent or arrears payments in the month",
                "Arrears cleared, or a repayment agreement kept, for three consecutive months",
                3, MONTH, C.HOUSING),
            _yes(
                "at_risk_of_homelessness", "At risk of homelessness (notice served or owed a prevention duty)",
                "Whether the family was in settled accommodation with no notice in place in the month",
                "Settled accommodation with no notice for six consecutive months",
                6, MONTH, C.HOUSING),
            _yes(
                "unsuitable_accommodation", "Living in temporary, overcrowded or unsuitable accommodation",
                "Whether the family was in suitable, settled accommodation in the month",
                "In suitable, settled accommodation for six consecutive months",
                6, MONTH, C.HOUSING),
        )),
        HeadlineSpec("financial_stability", "Financial stability", (
            _yes(
                "adult_out_of_work_benefits", "An adult on out-of-work benefits",
                "Whether the adult was in work (employment or self-employment) in the week",
                "Continuous employment for 26 weeks",
                26, WEEK, C.EMPLOYMENT),
            _none_for(
                "problem_debt", "Problem debt (priority debts, court judgements or enforcement action)",
                "Number of missed payments under the agreed debt plan in the month",
                "A debt plan in place and kept for three consecutive months",
                3, MONTH, C.FINANCE),
            _none_for(
                "cannot_afford_essentials", "A family that cannot afford essentials such as food or fuel",
                "Number of times emergency food or fuel support was needed in the month",
                "No emergency food or fuel support needed for three consecutive months",
                3, MONTH, C.FINANCE),
        )),
    ),
)

TROUBLED_FAMILIES_PHASE_2 = VersionSpec(
    code="tf2015",
    name="Troubled Families Phase 2",
    programme=Programme.TROUBLED_FAMILIES_PHASE_2,
    effective_from=date(2015, 4, 1),
    effective_to=date(2022, 10, 2),
    headlines=(
        HeadlineSpec("p2_crime", "Parents and children involved in crime or anti-social behaviour", (
            _none_for(
                "p2_proven_offence", "A child with a proven offence in the last 12 months",
                "Number of proven offences in the month",
                "No proven offences for six consecutive months (a 33% fall in offending for the family)",
                6, MONTH, C.CRIME),
            _none_for(
                "p2_antisocial_behaviour", "A family member involved in anti-social behaviour",
                "Number of anti-social behaviour incidents recorded in the month",
                "No anti-social behaviour recorded for six consecutive months",
                6, MONTH, C.CRIME),
            _none_for(
                "p2_adult_offending", "An adult offender, including one on licence or a community order",
                "Number of proven offences in the month",
                "No proven offences for six consecutive months",
                6, MONTH, C.CRIME),
        )),
        HeadlineSpec("p2_education", "Children who have not been attending school regularly", (
            DescriptorSpec(
                "p2_persistent_absence", "A child persistently absent from school (attendance below 90%)",
                "Attendance percentage over a school term",
                "Attendance at or above 90% over three consecutive terms",
                PCT, GE, 90, 3, TERM, C.EDUCATION),
            _none_for(
                "p2_exclusions", "A child permanently excluded or with three or more fixed-term exclusions",
                "Number of exclusions in the term",
                "No exclusions for three consecutive terms",
                3, TERM, C.EDUCATION),
        )),
        HeadlineSpec("p2_children_in_need", "Children who need help", (
            _yes(
                "p2_child_in_need", "A child identified as in need of help, including a child in need (section 17)",
                "Whether the child's needs were met with no re-referral to social care in the month",
                "Needs met with no re-referral to social care for six consecutive months",
                6, MONTH, C.CHILD_SAFETY),
            _yes(
                "p2_child_protection_plan", "A child subject to a child protection plan",
                "Whether the child was no longer subject to a plan and no new concern was raised in the month",
                "Plan ended with no new concern for six consecutive months",
                6, MONTH, C.CHILD_SAFETY),
        )),
        HeadlineSpec("p2_worklessness", "Adults out of work or at risk of financial exclusion, and young people "
                                        "at risk of worklessness", (
            _yes(
                "p2_adult_out_of_work", "An adult on out-of-work benefits",
                "Whether the adult was in work in the week",
                "Continuous employment (26 of 30 weeks for JSA claimants, 13 of 15 for others; configurable)",
                26, WEEK, C.EMPLOYMENT),
            _yes(
                "p2_young_person_neet", "A young person not in education, training or employment",
                "Whether the young person was in education, training or work throughout the month",
                "In education, training or work for six consecutive months",
                6, MONTH, C.EMPLOYMENT),
            _none_for(
                "p2_financial_exclusion", "A family at risk of financial exclusion (problem debt)",
                "Number of missed payments under the agreed debt plan in the month",
                "A debt plan in place and kept for three consecutive months",
                3, MONTH, C.FINANCE),
        )),
        HeadlineSpec("p2_domestic_abuse", "Families affected by domestic violence and abuse", (
            _none_for(
                "p2_domestic_abuse_incident", "A domestic abuse incident reported in the last 12 months",
                "Number of domestic abuse incidents reported in the month",
                "No incidents reported for six consecutive months",
                6, MONTH, C.DOMESTIC_ABUSE),
            _yes(
                "p2_domestic_abuse_support", "A family member affected by domestic abuse who needs specialist support",
                "Whether the person engaged with specialist support in the month",
                "Engaging with specialist support for three consecutive months",
                3, MONTH, C.DOMESTIC_ABUSE),
        )),
        HeadlineSpec("p2_health", "Parents and children with a range of health problems", (
            _yes(
                "p2_mental_health", "A family member with a mental health problem",
                "Whether the person engaged with treatment or support in the month",
                "Engaging with treatment or support for three consecutive months",
                3, MONTH, C.MENTAL_HEALTH),
            _yes(
                "p2_substance_misuse", "A family member with a drug or alcohol problem",
                "Whether the person engaged with structured treatment in the month",
                "In structured treatment for six consecutive months",
                6, MONTH, C.SUBSTANCE_USE),
            _none_for(
                "p2_physical_health", "A family member with a physical health problem affecting daily life",
                "Number of missed health appointments in the month",
                "Attending health appointments, none missed, for three consecutive months",
                3, MONTH, C.HEALTH),
        )),
    ),
)

DEFAULT_CATALOGUE: tuple[VersionSpec, ...] = (SUPPORTING_FAMILIES_2022, TROUBLED_FAMILIES_PHASE_2)
