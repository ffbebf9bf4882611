"""Import every model so that metadata and Alembic see all tables."""

from hai.api.models import ApiCall, ApiToken  # noqa: F401
from hai.attachments.models import Attachment  # noqa: F401
from hai.audit.models import AuditEvent  # noqa: F401
from hai.auth.models import LoginAttempt, PasswordReset, User, UserRole, UserSession  # noqa: F401
from hai.broadcasts.models import (  # noqa: F401
    Broadcast,
    BroadcastDelivery,
    BroadcastEvent,
    BroadcastVersion,
    RecipientContact,
    RecipientGroup,
)
from hai.catalog.models import (  # noqa: F401
    CatalogAccess,
    CatalogLinkedUnit,
    CatalogScope,
    CatalogService,
    CatalogVersion,
    Channel,
)
from hai.changes.models import CabMember, ChangeEvent, ChangeRequest, ChangeVote  # noqa: F401
from hai.cmdb.models import ConfigurationItem  # noqa: F401
from hai.disasters.models import (  # noqa: F401
    ChecklistAnswer,
    ChecklistItem,
    ChecklistTemplate,
    DisasterEvent,
    DisasterReport,
)
from hai.haipedia.models import (  # noqa: F401
    Article,
    ArticleEvent,
    ArticleRead,
    ArticleRevision,
    ArticleTicketLink,
    ArticleVote,
)
from hai.mail.models import InboundEmail, OutboxMessage  # noqa: F401
from hai.ops.models import JobRun  # noqa: F401
from hai.org.models import OrgUnit  # noqa: F401
from hai.problems.models import Problem, ProblemEvent, ProblemTicket  # noqa: F401
from hai.qa.models import (  # noqa: F401
    Certificate,
    Evaluation,
    EvaluationSample,
    EvaluationScore,
    FollowUpCheck,
    Scorecard,
    ScorecardCriterion,
    TicketStat,
    TicketStatMark,
    TicketStatState,
    Training,
    TrainingAttendance,
)
from hai.releases.models import Release  # noqa: F401
from hai.reports.models import Report  # noqa: F401
from hai.schedules.models import AttendanceEvent, RosterEntry, Shift  # noqa: F401
from hai.sla.models import (  # noqa: F401
    CalendarException,
    SlaChannelNorm,
    SlaClock,
    SlaMatrixCell,
    SlaPriority,
)
from hai.surveys.models import (  # noqa: F401
    Survey,
    SurveyAnswer,
    SurveyInvitation,
    SurveyQuestion,
    SurveyResponse,
)
from hai.tickets.models import (  # noqa: F401
    Notification,
    OlaTarget,
    Requester,
    SlaBreach,
    Ticket,
    TicketEvent,
)
