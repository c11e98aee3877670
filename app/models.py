"""Every package's models, imported in one place so that the metadata is complete for Alembic,
`db.create_all()` in tests, and the migration parity test. Add new packages' models here."""
from app.api import models as api_models  # noqa: F401
from app.audit import models as audit_models  # noqa: F401
from app.auth import models as auth_models  # noqa: F401
from app.cases import models as cases_models  # noqa: F401
from app.claims import models as claims_models  # noqa: F401
from app.common import job_models as common_job_models  # noqa: F401
from app.common import notification_models as common_notification_models  # noqa: F401
from app.common import outbox_models as common_outbox_models  # noqa: F401
from app.common import upload_models as common_upload_models  # noqa: F401
from app.framework import models as framework_models  # noqa: F401
from app.outcomes import models as outcomes_models  # noqa: F401
from app.referrals import models as referrals_models  # noqa: F401
from app.reporting import models as reporting_models  # noqa: F401
from app.rights import models as rights_models  # noqa: F401
from app.sharing import models as sharing_models  # noqa: F401
from app.teamwork import models as teamwork_models  # noqa: F401
