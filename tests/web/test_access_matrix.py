"""The role × page matrix: every route, as every role and as anonymous, against
one table of expected answers kept here (not derived from the code under test)."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from hai.auth.roles import STAFF_ROLES, Role
from hai.catalog.models import CatalogVersion, VersionState
from hai.org.models import OrgUnit

ALL = frozenset(Role)
STAFF = frozenset(STAFF_ROLES)
ADMIN = frozenset({Role.ADMIN})
TICKET_VIEW = frozenset(
    {
        Role.AGEN_L1,
        Role.AGEN_L2,
        Role.AGEN_L3,
        Role.CSO,
        Role.KEPALA_SEKSI,
        Role.MANAJER_LAYANAN,
        Role.KOORDINATOR,
        Role.QA,
    }
)
TICKET_INTAKE = frozenset({Role.AGEN_L1, Role.CSO})
TICKET_HANDLE = frozenset(
    {Role.AGEN_L1, Role.AGEN_L2, Role.AGEN_L3, Role.CSO, Role.KEPALA_SEKSI, Role.MANAJER_LAYANAN}
)
TICKET_ASSIGN = frozenset({Role.MANAJER_LAYANAN, Role.KEPALA_SEKSI})
# Who sees the sample (non-confidential, L1, unassigned) ticket; other ticket roles get 404.
SEES_SAMPLE_TICKET = frozenset(
    {Role.AGEN_L1, Role.QA, Role.KEPALA_SEKSI, Role.MANAJER_LAYANAN, Role.KOORDINATOR}
)
PORTAL = frozenset({Role.PENGGUNA})
SURVEY = frozenset({Role.MANAJER_LAYANAN, Role.KEPALA_SEKSI, Role.QA})
BROADCAST = frozenset({Role.AGEN_L1, Role.KEPALA_SEKSI, Role.MANAJER_LAYANAN, Role.KOORDINATOR})
RECIPIENTS = frozenset({Role.ADMIN, Role.KEPALA_SEKSI})
DISASTER_REPORT = frozenset({Role.KOORDINATOR_BCM, Role.AGEN_L1})
DISASTER_VIEW = frozenset(
    {
        Role.KOORDINATOR_BCM,
        Role.KETUA_TIM_BENCANA,
        Role.AGEN_L1,
        Role.KEPALA_SEKSI,
        Role.MANAJER_LAYANAN,
        Role.KOORDINATOR,
    }
)
DISASTER_STAFF = DISASTER_VIEW - {Role.KOORDINATOR_BCM}
QA = frozenset({Role.QA})
QA_VIEW_ALL = frozenset({Role.QA, Role.MANAJER_LAYANAN, Role.KOORDINATOR})
REPORTS_VIEW = frozenset({Role.QA, Role.KEPALA_SEKSI, Role.MANAJER_LAYANAN, Role.KOORDINATOR})
REPORTS_PREPARE = frozenset({Role.QA, Role.KEPALA_SEKSI, Role.MANAJER_LAYANAN})
PROBLEM_REPORT = frozenset({Role.AGEN_L1, Role.AGEN_L2, Role.MANAJER_LAYANAN, Role.QA})
# Everyone with evaluation pages: the evaluated (L1, L2) see only their own.
QA_EVALUATION_VIEW = QA_VIEW_ALL | {Role.AGEN_L1, Role.AGEN_L2}
SCHEDULE = frozenset({Role.MANAJER_LAYANAN})
CHANGE_RECORD = frozenset({Role.AGEN_L1, Role.CSO, Role.MANAJER_LAYANAN, Role.KEPALA_SEKSI})
CHANGE_VIEW = CHANGE_RECORD | {Role.CAB, Role.MANAJER_PERUBAHAN, Role.KOORDINATOR}
CHANGE_COORDINATE = frozenset({Role.MANAJER_LAYANAN, Role.KEPALA_SEKSI})
CAB = frozenset({Role.CAB})
CHANGE_IMPLEMENT = frozenset({Role.MANAJER_PERUBAHAN})
# Service management (tests/problems, tests/cmdb, tests/releases).
PROBLEM_VIEW = TICKET_VIEW | {Role.CAB, Role.MANAJER_PERUBAHAN}
MANAJER = frozenset({Role.MANAJER_LAYANAN})
CI_VIEW = TICKET_VIEW | {Role.CAB, Role.MANAJER_PERUBAHAN, Role.ADMIN}
CI_MANAGE = frozenset({Role.ADMIN, Role.MANAJER_LAYANAN})
RELEASE = frozenset({Role.AGEN_L2, Role.AGEN_L3, Role.MANAJER_LAYANAN})
SCHEDULE_OWN = frozenset({Role.AGEN_L1, Role.AGEN_L2, Role.CSO})
SLA_PREVIEW = frozenset(
    {
        Role.AGEN_L1,
        Role.AGEN_L2,
        Role.AGEN_L3,
        Role.CSO,
        Role.KEPALA_SEKSI,
        Role.MANAJER_LAYANAN,
        Role.KOORDINATOR,
        Role.QA,
        Role.ADMIN,
    }
)

# rule -> roles that may open it (GET). Others get 403, or 404 where the object
# itself is hidden from them (drafts).
GET_PAGES: dict[str, frozenset[Role]] = {
    "/home": ALL,
    "/account": ALL,
    "/catalog": ALL,
    "/catalog/services/<int:service_id>": ALL,
    "/catalog/versions": ALL,
    "/catalog/versions/<int:version_id>": ALL,
    "/catalog/compare": ALL,
    "/catalog/versions/<int:version_id>/sla": ALL,
    "/channels": ALL,
    "/calendar": STAFF,
    "/calendar/year": STAFF,
    "/sla/preview": SLA_PREVIEW,
    "/tickets": TICKET_VIEW,
    "/tickets/tabs": TICKET_VIEW,
    "/admin/api-tokens": ADMIN,
    "/tickets/new": TICKET_INTAKE,
    "/tickets/requesters": TICKET_INTAKE,
    "/tickets/scopes": TICKET_INTAKE,
    "/tickets/<int:ticket_id>": SEES_SAMPLE_TICKET,
    "/tickets/<int:ticket_id>/attachments/<int:attachment_id>": SEES_SAMPLE_TICKET,
    "/tickets/<int:ticket_id>/articles": SEES_SAMPLE_TICKET,
    "/notifications": ALL,
    "/admin/ola": ADMIN,
    "/admin/outbox": ADMIN,
    "/admin/users": ADMIN,
    "/admin/users/new": ADMIN,
    "/admin/users/<int:user_id>": ADMIN,
    "/admin/roles": ADMIN,
    "/admin/units": ADMIN,
    "/admin/units/new": ADMIN,
    "/admin/units/<int:unit_id>": ADMIN,
    "/admin/audit": frozenset({Role.ADMIN, Role.KOORDINATOR}),
    "/catalog/versions/<int:version_id>/services/new": ADMIN,
    "/catalog/services/<int:service_id>/edit": ADMIN,
    "/catalog/scopes/<int:scope_id>/edit": ADMIN,
    # The requester portal: the requester's own tickets (the sample portal ticket
    # belongs to the requester the matrix logs in as).
    "/portal": PORTAL,
    "/portal/baru": PORTAL,
    "/portal/lingkup": PORTAL,
    "/portal/saran": PORTAL,
    "/portal/tiket/<int:ticket_id>": PORTAL,
    "/portal/tiket/<int:ticket_id>/lampiran/<int:attachment_id>": PORTAL,
    # Surveys (tests/surveys): staff pages; the requester's invited surveys on the portal.
    "/surveys": SURVEY,
    "/surveys/new": SURVEY,
    "/surveys/<int:survey_id>": SURVEY,
    "/surveys/<int:survey_id>/questions/<int:question_id>": SURVEY,
    "/surveys/<int:survey_id>/invite": SURVEY,
    "/surveys/<int:survey_id>/results": SURVEY,
    "/surveys/<int:survey_id>/results.xlsx": SURVEY,
    "/portal/survei": PORTAL,
    "/portal/survei/<int:survey_id>": PORTAL,
    # Broadcasts (tests/broadcasts): the requester's own (the matrix's requester owns
    # the sample), the staff's queue and review page, announcements, recipient groups.
    "/portal/broadcast": PORTAL,
    "/portal/broadcast/baru": PORTAL,
    "/portal/broadcast/<int:broadcast_id>": PORTAL,
    "/broadcasts": BROADCAST,
    "/broadcasts/<int:broadcast_id>": BROADCAST,
    "/pengumuman": ALL,
    "/admin/recipients": RECIPIENTS,
    "/admin/recipients/<int:group_id>": RECIPIENTS,
    # Disaster reports (tests/disasters).
    "/bencana/lapor": DISASTER_REPORT,
    "/bencana": DISASTER_VIEW,
    # The sample report is of an office the matrix's coordinator (no unit) is not in:
    # an office's coordinator sees only their own office's reports (404 on others).
    "/bencana/<int:report_id>": DISASTER_STAFF,
    "/bencana/<int:report_id>/cetak": DISASTER_STAFF,
    "/bencana/<int:report_id>/foto/<int:attachment_id>": DISASTER_STAFF,
    "/admin/bencana/daftar-periksa": ADMIN,
    # HAIPEDIA (tests/haipedia): staff read every article, agents propose; the portal's
    # reader of a public article (the sample is published and public).
    "/haipedia/articles": TICKET_VIEW,
    "/haipedia/articles/new": TICKET_HANDLE,
    "/haipedia/articles/<int:article_id>": TICKET_VIEW,
    "/haipedia/articles/<int:article_id>/edit": TICKET_HANDLE,
    "/haipedia/articles/<int:article_id>/revisions/<int:number>": TICKET_VIEW,
    "/portal/artikel/<int:article_id>": PORTAL,
    # Quality assurance (tests/qa): the sample evaluation is of another agent, so L1
    # and L2 get 404 on it (an agent sees only their own).
    "/qa": QA_EVALUATION_VIEW,
    "/qa/evaluasi/baru": QA,
    "/qa/evaluasi/<int:evaluation_id>": QA_VIEW_ALL,
    "/qa/kartu-penilaian": QA,
    "/qa/verifikasi": QA,
    "/qa/pelatihan": QA,
    "/qa/pelatihan/<int:training_id>": QA,
    "/qa/sertifikat": QA_VIEW_ALL,
    "/qa/dasbor": QA_VIEW_ALL,
    # Reports (tests/reports): the sample is a drafted monthly report; anyone who may
    # not see it gets 404 (an id reveals nothing).
    "/laporan": REPORTS_VIEW,
    "/laporan/<int:report_id>": REPORTS_VIEW,
    "/laporan/<int:report_id>.xlsx": REPORTS_VIEW,
    "/laporan/<int:report_id>.pdf": REPORTS_VIEW,
    "/laporan/permasalahan": PROBLEM_REPORT,
    "/laporan/permasalahan/baru": PROBLEM_REPORT,
    # Agent schedules (tests/schedules): the Manajer Layanan's roster and shifts, the
    # agents' own schedule, QA's discipline page.
    "/jadwal": SCHEDULE,
    "/jadwal/shift": SCHEDULE,
    "/jadwal/shift/<int:shift_id>": SCHEDULE,
    "/jadwal/saya": SCHEDULE_OWN,
    "/jadwal/disiplin": QA_VIEW_ALL,
    # Change requests (tests/changes): the sample RFC is the sample requester's.
    "/portal/perubahan": PORTAL,
    "/portal/perubahan/baru": PORTAL,
    "/portal/perubahan/<int:change_id>": PORTAL,
    "/perubahan": CHANGE_VIEW,
    "/perubahan/baru": CHANGE_RECORD,
    "/perubahan/<int:change_id>": CHANGE_VIEW,
    "/perubahan/cab": ADMIN,
    # Problems, configuration items, releases: the sample problem is confirmed, the
    # sample item a seed one, the sample release announced by a Manajer Layanan.
    "/problems": PROBLEM_VIEW,
    "/problems/new": MANAJER,
    "/problems/<int:problem_id>": PROBLEM_VIEW,
    "/tickets/<int:ticket_id>/masalah": SEES_SAMPLE_TICKET,
    "/ci": CI_VIEW,
    "/ci/new": CI_MANAGE,
    "/ci/<int:ci_id>": CI_VIEW,
    "/ci/<int:ci_id>/edit": CI_MANAGE,
    "/releases": PROBLEM_VIEW,
    "/releases/new": RELEASE,
    "/releases/<int:release_id>": PROBLEM_VIEW,
}

POST_ROUTES: dict[str, frozenset[Role]] = {
    "/logout": ALL,
    "/account/password": ALL,
    "/admin/users/new": ADMIN,
    "/admin/users/<int:user_id>": ADMIN,
    "/admin/users/<int:user_id>/password": ADMIN,
    "/admin/units/new": ADMIN,
    "/admin/units/<int:unit_id>": ADMIN,
    "/catalog/versions/<int:version_id>/draft": ADMIN,
    "/catalog/versions/<int:version_id>/info": ADMIN,
    "/catalog/versions/<int:version_id>/activate": ADMIN,
    "/catalog/versions/<int:version_id>/delete": ADMIN,
    "/catalog/versions/<int:version_id>/services/new": ADMIN,
    "/catalog/services/<int:service_id>/edit": ADMIN,
    "/catalog/services/<int:service_id>/delete": ADMIN,
    "/catalog/services/<int:service_id>/scopes": ADMIN,
    "/catalog/scopes/<int:scope_id>/edit": ADMIN,
    "/catalog/scopes/<int:scope_id>/delete": ADMIN,
    "/calendar/exceptions": ADMIN,
    "/tickets/new": TICKET_INTAKE,
    "/tickets/bulk-assign": TICKET_ASSIGN,
    "/tickets/<int:ticket_id>/act/<action>": TICKET_HANDLE,
    "/notifications/read": ALL,
    "/admin/ola": ADMIN,
    "/admin/outbox/<int:message_id>/retry": ADMIN,
    "/admin/api-tokens": ADMIN,
    "/admin/api-tokens/<int:token_id>/revoke": ADMIN,
    "/catalog/versions/<int:version_id>/sla": ADMIN,
    "/calendar/exceptions/<int:exception_id>/remove": ADMIN,
    "/portal/baru": PORTAL,
    "/portal/tiket/<int:ticket_id>/aksi/<action>": PORTAL,
    "/surveys/new": SURVEY,
    "/surveys/<int:survey_id>/edit": SURVEY,
    "/surveys/<int:survey_id>/questions": SURVEY,
    "/surveys/<int:survey_id>/questions/<int:question_id>": SURVEY,
    "/surveys/<int:survey_id>/questions/<int:question_id>/<action>": SURVEY,
    "/surveys/<int:survey_id>/act/<action>": SURVEY,
    "/surveys/<int:survey_id>/invite": SURVEY,
    "/portal/survei/<int:survey_id>": PORTAL,
    "/portal/broadcast/baru": PORTAL,
    "/portal/broadcast/<int:broadcast_id>": PORTAL,
    "/broadcasts/<int:broadcast_id>/act/<action>": BROADCAST,
    "/admin/recipients": RECIPIENTS,
    "/admin/recipients/<int:group_id>": RECIPIENTS,
    "/admin/recipients/contacts/<int:contact_id>/toggle": RECIPIENTS,
    "/bencana/lapor": DISASTER_REPORT,
    "/bencana/<int:report_id>/aksi/<action>": DISASTER_VIEW,
    "/admin/bencana/daftar-periksa": ADMIN,
    "/haipedia/articles/new": TICKET_HANDLE,
    "/haipedia/articles/<int:article_id>/edit": TICKET_HANDLE,
    "/haipedia/articles/<int:article_id>/act/<action>": TICKET_HANDLE,
    "/tickets/<int:ticket_id>/articles/<int:article_id>/use": TICKET_HANDLE,
    "/tickets/<int:ticket_id>/to-article": TICKET_HANDLE,
    "/portal/artikel/<int:article_id>/dibaca": PORTAL,
    "/portal/artikel/<int:article_id>/terjawab": PORTAL,
    "/qa/evaluasi/baru": QA,
    "/qa/evaluasi/<int:evaluation_id>/nilai": QA,
    "/qa/evaluasi/<int:evaluation_id>/tanggapan": QA_EVALUATION_VIEW,
    "/qa/kartu-penilaian": QA,
    "/qa/verifikasi/<int:ticket_id>": QA,
    "/qa/pelatihan": QA,
    "/qa/pelatihan/<int:training_id>": QA,
    "/qa/sertifikat/terbitkan": QA,
    "/laporan/susun": REPORTS_PREPARE,
    "/laporan/<int:report_id>": REPORTS_PREPARE,
    "/laporan/<int:report_id>/hitung-ulang": REPORTS_PREPARE,
    "/laporan/<int:report_id>/sampaikan": REPORTS_PREPARE,
    "/laporan/<int:report_id>/tanggapan": frozenset({Role.KEPALA_SEKSI}),
    "/laporan/permasalahan/baru": PROBLEM_REPORT,
    "/jadwal/entri": SCHEDULE,
    "/jadwal/entri/<int:entry_id>/hapus": SCHEDULE,
    "/jadwal/salin": SCHEDULE,
    "/jadwal/shift": SCHEDULE,
    "/jadwal/shift/<int:shift_id>": SCHEDULE,
    "/jadwal/istirahat": SCHEDULE_OWN,
    "/portal/perubahan/baru": PORTAL,
    "/perubahan/baru": CHANGE_RECORD,
    "/perubahan/<int:change_id>/pemilik": CHANGE_COORDINATE,
    "/perubahan/<int:change_id>/nilai": CAB,
    "/perubahan/<int:change_id>/suara": CAB,
    "/perubahan/<int:change_id>/keputusan": CAB,
    "/perubahan/<int:change_id>/mulai": CHANGE_IMPLEMENT,
    "/perubahan/<int:change_id>/katalog": CHANGE_IMPLEMENT,
    "/perubahan/<int:change_id>/pelaksanaan": CHANGE_IMPLEMENT,
    "/perubahan/<int:change_id>/tinjauan": CHANGE_IMPLEMENT,
    "/perubahan/cab": ADMIN,
    "/perubahan/cab/<int:member_id>/berhenti": ADMIN,
    "/problems/suggest": MANAJER,
    "/problems/new": MANAJER,
    "/problems/<int:problem_id>/act/<action>": MANAJER,
    "/problems/<int:problem_id>/answer": TICKET_HANDLE,
    "/problems/<int:problem_id>/tickets": TICKET_HANDLE,
    "/problems/<int:problem_id>/tickets/<int:ticket_id>/unlink": TICKET_HANDLE,
    "/tickets/<int:ticket_id>/masalah": TICKET_HANDLE,
    "/tickets/<int:ticket_id>/ci": TICKET_HANDLE,
    "/ci/new": CI_MANAGE,
    "/ci/<int:ci_id>/edit": CI_MANAGE,
    "/releases/new": RELEASE,
    "/releases/<int:release_id>/klarifikasi": RELEASE,
}
PUBLIC = {
    "/",
    "/login",
    "/static/<path:filename>",
    # "Lupa kata sandi" and its emailed link (tests/security/test_password_reset.py:
    # CSRF, same answer for unknown addresses, single-use and short-lived links).
    "/lupa-sandi",
    "/lupa-sandi/<token>",
    # Requester self-registration and its activation link (tests/portal).
    "/daftar",
    "/daftar/kirim-ulang",
    "/daftar/aktivasi/<token>",
    # A survey invitation's link (tests/surveys: unknown token 404).
    "/survei/<token>",
    # HAIPEDIA's public help centre and its "was this helpful" vote (tests/haipedia:
    # internal and unpublished articles 404 there, the vote needs CSRF).
    "/haipedia",
    "/haipedia/<int:article_id>",
    "/haipedia/<int:article_id>/vote",
    # Health checks for monitoring and the reverse proxy (tests/ops/test_health.py:
    # no session, JSON, no secrets).
    "/health",
    "/health/db",
}
# Token-authenticated, never by the session: tests/api checks them (401 without a token).
API = {
    "/api/v1/tickets",
    "/api/v1/tickets/<number>",
    "/api/v1/catalog",
    "/api/v1/openapi.json",
    "/api/v1/haipedia/answer",
}


def test_every_route_is_in_the_table(app):
    gets, posts = set(), set()
    for rule in app.url_map.iter_rules():
        if rule.rule in PUBLIC or rule.rule in API:
            continue
        if "GET" in rule.methods:
            gets.add(rule.rule)
        if "POST" in rule.methods:
            posts.add(rule.rule)
    assert gets == set(GET_PAGES), "add new pages to GET_PAGES"
    assert posts == set(POST_ROUTES), "add new POST routes to POST_ROUTES"


def test_every_view_declares_its_access(app):
    for endpoint, view in app.view_functions.items():
        if endpoint == "static":
            continue
        assert hasattr(view, "access"), f"{endpoint} has no @requires/@login_only/@public"


@pytest.fixture
def objects(app, db_session, make_user):
    """One object of each kind for URL parameters: a draft version so that the
    editing routes are reachable."""
    from hai.catalog.services import create_draft
    from hai.db_types import utcnow

    admin = make_user(Role.ADMIN)
    active = db_session.scalar(
        select(CatalogVersion).where(CatalogVersion.state == VersionState.ACTIVE)
    )
    draft = create_draft(active, code="T-DRAFT", title="Draf uji", now=utcnow(), actor=admin)
    db_session.commit()
    service = draft.services[0]
    scope = next(s for s in draft.services if s.scopes).scopes[0]
    unit = db_session.scalar(select(OrgUnit).limit(1))
    from datetime import date

    from hai.sla.calendars import add_exception
    from hai.sla.models import ExceptionKind

    exception = add_exception(
        start=date(2026, 12, 31),
        end=date(2026, 12, 31),
        kind=ExceptionKind.DAY_OFF,
        reason="Uji",
        now=utcnow(),
        actor=admin,
    )
    ticket, attachment = _sample_ticket(db_session, admin, app.config["UPLOAD_FOLDER"])
    portal_user, portal_ticket, portal_attachment = _sample_portal_ticket(
        db_session, app.config["UPLOAD_FOLDER"]
    )
    from hai.mail.services import enqueue

    message = enqueue(to="uji@test.hai", subject="Uji akses", body="Uji", now=utcnow())
    from hai.api.tokens import issue_token

    token, _ = issue_token("Uji akses", now=utcnow(), actor=admin)
    db_session.commit()
    return {
        "message_id": message.id,
        "token_id": token.id,
        "ticket_id": ticket.id,
        "attachment_id": attachment.id,
        "exception_id": exception.id,
        "version_id": draft.id,
        "service_id": service.id,
        "scope_id": scope.id,
        "user_id": admin.id,
        "unit_id": unit.id,
        "active_version_id": active.id,
        "active_service_id": active.services[0].id,
        "portal_user_id": portal_user.id,
        "portal_ticket_id": portal_ticket.id,
        "portal_attachment_id": portal_attachment.id,
        **_sample_survey(app, admin, portal_user),
        **_sample_broadcast(db_session, portal_user),
        **_sample_disaster(db_session, admin, unit, app.config["UPLOAD_FOLDER"]),
        **_sample_article(db_session),
        **_sample_qa(db_session),
        **_sample_report(db_session),
        **_sample_roster(db_session),
        **_sample_change(db_session, portal_user),
        **_sample_service_management(db_session, ticket),
    }


def _sample_change(db_session, portal_user) -> dict:
    """An RFC the sample requester asked for outside the catalog, and a CAB seat."""
    from hai.changes import services
    from hai.db_types import utcnow
    from tests.factories import make_user

    change = services.submit(
        services.ChangeData(title="Uji akses RFC", description="Uji.", in_catalog=False),
        now=utcnow(),
        requester=portal_user,
    )
    member = services.add_member(make_user(Role.CAB), eselon3=False, now=utcnow(), actor=None)
    db_session.commit()
    return {"change_id": change.id, "member_id": member.id}


def _sample_service_management(db_session, ticket) -> dict:
    """A confirmed problem with the sample ticket linked, a seed configuration item, and
    a release announced by a Manajer Layanan (its note published at once)."""
    from hai.cmdb.models import ConfigurationItem
    from hai.db_types import utcnow
    from hai.problems import services as problems
    from hai.releases import services as releases
    from hai.web.timefmt import today_wib
    from tests.factories import make_user

    manajer = make_user(Role.MANAJER_LAYANAN)
    ci = db_session.scalar(select(ConfigurationItem).where(ConfigurationItem.code == "SAKTI"))
    problem = problems.create_problem(
        title="Uji akses masalah",
        description="",
        ci=ci,
        ticket_list=[ticket],
        actor=manajer,
        now=utcnow(),
    )
    release = releases.announce(
        releases.ReleaseData(
            ci_id=ci.id,
            version="uji-akses",
            released_on=today_wib(),
            changes="Uji perubahan.",
            impact="Uji dampak.",
        ),
        actor=manajer,
        now=utcnow(),
    )
    db_session.commit()
    return {"problem_id": problem.id, "ci_id": ci.id, "release_id": release.id}


def _sample_report(db_session) -> dict:
    """The drafted monthly report of January 2026."""
    from datetime import date

    from hai.db_types import utcnow
    from hai.qa.metrics import Period
    from hai.reports import services
    from hai.reports.models import ReportKind

    report, _ = services.draft_periodic(ReportKind.MONTHLY, Period.month(2026, 1), now=utcnow())
    db_session.commit()
    assert report.period_start == date(2026, 1, 1)
    return {"periodic_report_id": report.id}


def _sample_roster(db_session) -> dict:
    """A shift and an entry of an L1 agent on it next week."""
    from datetime import timedelta

    from hai.db_types import utcnow
    from hai.schedules import services
    from hai.schedules.models import Shift
    from hai.web.timefmt import today_wib
    from tests.factories import make_user

    shift = db_session.scalar(select(Shift).order_by(Shift.id).limit(1))
    entry = services.add_entry(
        agent=make_user(Role.AGEN_L1),
        day=today_wib() + timedelta(days=7),
        shift=shift,
        channel_code="call_center",
        actor=None,
        now=utcnow(),
    )
    db_session.commit()
    return {"shift_id": shift.id, "entry_id": entry.id}


def _sample_qa(db_session) -> dict:
    """A submitted evaluation of an L1 agent (not the matrix's user), and a training."""
    from datetime import date

    from hai.db_types import utcnow
    from hai.qa import services
    from hai.qa.metrics import Period
    from tests.factories import make_user

    qa, agent = make_user(Role.QA), make_user(Role.AGEN_L1)
    evaluation = services.create_evaluation(
        agent, Period(date(2026, 1, 1), date(2026, 1, 31)), actor=qa, now=utcnow()
    )
    card = evaluation.scorecard
    values = {(c.id, None): ("4", "") for c in card.criteria}
    services.save_scores(evaluation, values, "", actor=qa, now=utcnow())
    services.submit_evaluation(evaluation, actor=qa, now=utcnow())
    training = services.record_training(
        services.TrainingData("Uji akses pelatihan", "information", date(2026, 1, 5)),
        actor=qa,
        now=utcnow(),
    )
    db_session.commit()
    return {"evaluation_id": evaluation.id, "training_id": training.id}


def _sample_article(db_session) -> dict:
    """A published public HAIPEDIA article with one revision."""
    from hai.db_types import utcnow
    from hai.haipedia import services
    from hai.haipedia.models import Audience
    from tests.factories import make_user

    manajer = make_user(Role.MANAJER_LAYANAN)
    article = services.create_article(
        services.ArticleData(title="Uji akses artikel", body="Isi uji.", audience=Audience.PUBLIC),
        actor=manajer,
        now=utcnow(),
    )
    services.publish(article, actor=manajer, now=utcnow())
    db_session.commit()
    return {"article_id": article.id, "number": 1}


def _sample_disaster(db_session, actor, unit, upload_folder: str) -> dict:
    """A disaster report recorded for an office (by someone other than its coordinator),
    with a photo."""
    import base64
    import io
    from datetime import timedelta
    from pathlib import Path

    from werkzeug.datastructures import FileStorage

    from hai.attachments.services import attach_files
    from hai.db_types import utcnow
    from hai.disasters import services

    template = services.current_template()
    report = services.file_report(
        services.ReportData(
            office_unit_id=unit.id,
            reporter_name="Pelapor Uji",
            reporter_position="Staf",
            reporter_phone="0812",
            reporter_is_employee=True,
            event_type="flood",
            event_at=utcnow() - timedelta(hours=1),
            location="Gedung kantor",
            description="Banjir setinggi 30 cm.",
            checklist={i.code: ("unknown", "") for i in template.items},
        ),
        actor=actor,
        now=utcnow(),
    )
    png = base64.b64decode(
        "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk+M9QDwADhgGAWjR9awAAAABJRU5ErkJggg=="
    )
    [photo] = attach_files(
        [FileStorage(stream=io.BytesIO(png), filename="banjir.png")],
        owner_type="disaster",
        owner_id=report.id,
        uploader=actor,
        now=utcnow(),
        root=Path(upload_folder),
    )
    db_session.commit()
    return {"report_id": report.id, "disaster_attachment_id": photo.id}


def _sample_broadcast(db_session, requester) -> dict:
    """A broadcast request of the matrix's requester, and a recipient group with a contact.

    Made as rows: the requester (user type 1) could not ask for one through the service,
    and the matrix is about who may open the pages, not about that rule."""
    from hai.broadcasts.models import Broadcast, BroadcastVersion, RecipientContact, RecipientGroup
    from hai.db_types import utcnow

    group = db_session.scalar(select(RecipientGroup).where(RecipientGroup.code == "CSO-KPPN"))
    contact = RecipientContact(group=group, name="CSO Uji", email="cso@test.hai")
    b = Broadcast(
        requester_id=requester.id,
        requester_name=requester.name,
        requester_email=requester.email,
        received_at=utcnow(),
        title="Uji akses broadcast",
        purpose="Uji",
        channels=["portal"],
        contact_name="Pejabat",
        contact_position="Eselon IV",
        contact_email="pejabat@kemenkeu.go.id",
        contact_phone="021",
        number="BRD-2026-999999",
    )
    b.versions.append(
        BroadcastVersion(number=1, title=b.title, content="Isi uji", created_at=utcnow())
    )
    db_session.add_all([contact, b])
    db_session.commit()
    return {"broadcast_id": b.id, "group_id": group.id, "contact_id": contact.id}


def _sample_ticket(db_session, actor, upload_folder: str):
    """A plain L1 ticket received by email, with one text attachment on disk."""
    import io
    from pathlib import Path

    from werkzeug.datastructures import FileStorage

    from hai.attachments.services import attach_files
    from hai.db_types import utcnow
    from hai.tickets.services import RequesterData, create_ticket

    ticket = create_ticket(
        channel_code="email",
        received_at=utcnow(),
        requester=RequesterData(name="Pemohon Uji", email="pemohon@test.hai", user_type=1),
        subject="Uji akses",
        description="",
        now=utcnow(),
        actor=actor,
    )
    db_session.flush()
    upload = FileStorage(stream=io.BytesIO(b"isi lampiran uji\n"), filename="uji.txt")
    [attachment] = attach_files(
        [upload],
        owner_type="ticket",
        owner_id=ticket.id,
        uploader=actor,
        now=utcnow(),
        root=Path(upload_folder),
    )
    return ticket, attachment


def _sample_portal_ticket(db_session, upload_folder: str):
    """A requester account with a portal ticket of its own and a file it sent."""
    import io
    from pathlib import Path

    from werkzeug.datastructures import FileStorage

    from hai.attachments.services import attach_files
    from hai.db_types import utcnow
    from hai.tickets.models import Requester
    from hai.tickets.services import RequesterData, create_ticket
    from tests.factories import make_user

    user = make_user(Role.PENGGUNA, user_type=1)
    requester = Requester(name=user.name, email=user.email, user_type=1, user_id=user.id)
    requester.created_at = utcnow()
    db_session.add(requester)
    db_session.flush()
    ticket = create_ticket(
        channel_code="portal",
        received_at=utcnow(),
        requester=RequesterData(name=user.name, email=user.email, requester_id=requester.id),
        subject="Uji akses portal",
        description="",
        now=utcnow(),
        actor=None,
        actor_label=user.name,
    )
    db_session.flush()
    upload = FileStorage(stream=io.BytesIO(b"lampiran pemohon\n"), filename="pemohon.txt")
    [attachment] = attach_files(
        [upload],
        owner_type="ticket",
        owner_id=ticket.id,
        uploader=user,
        now=utcnow(),
        root=Path(upload_folder),
    )
    return user, ticket, attachment


def _sample_survey(app, actor, requester) -> dict:
    """An open survey with one question, to which the matrix's requester is invited."""
    from hai.db_types import utcnow
    from hai.surveys import services

    with app.app_context():
        survey = services.create_survey(
            services.SurveyData(title="Survei uji"), actor=actor, now=utcnow()
        )
        question = services.add_question(
            survey, services.QuestionData("scale", "Puas?"), actor=actor, now=utcnow()
        )
        services.open_survey(survey, actor=actor, now=utcnow())
        services.invite(survey, services.InviteRequest(requesters=True), actor=actor, now=utcnow())
    return {"survey_id": survey.id, "question_id": question.id}


def _url(rule: str, objects: dict, *, read_only: bool) -> str:
    url = rule
    url = url.replace("<action>", "reply")
    for name in (
        "version_id",
        "service_id",
        "scope_id",
        "user_id",
        "unit_id",
        "exception_id",
        "ticket_id",
        "attachment_id",
        "message_id",
        "token_id",
        "survey_id",
        "question_id",
        "broadcast_id",
        "group_id",
        "contact_id",
        "report_id",
        "article_id",
        "number",
        "evaluation_id",
        "training_id",
        "shift_id",
        "entry_id",
        "change_id",
        "member_id",
        "problem_id",
        "ci_id",
        "release_id",
    ):
        key = name
        # Plain viewing pages use the active version (visible to all roles).
        if (
            read_only
            and name in ("version_id", "service_id")
            and rule
            in (
                "/catalog/versions/<int:version_id>",
                "/catalog/versions/<int:version_id>/sla",
                "/catalog/services/<int:service_id>",
            )
        ):
            key = f"active_{name}"
        if rule.startswith("/portal/") and name in ("ticket_id", "attachment_id"):
            key = f"portal_{name}"
        if rule.startswith("/laporan/") and name == "report_id":
            key = "periodic_report_id"
        if rule.startswith("/bencana/") and name == "attachment_id":
            key = "disaster_attachment_id"
        url = url.replace(f"<int:{name}>", str(objects[key]))
    return url


@pytest.mark.parametrize("role", list(Role), ids=lambda r: r.value)
def test_get_pages_by_role(role, objects, make_user, login_as, db_session):
    from hai.auth.models import User

    # A requester is the owner of the sample portal ticket; other roles are new users.
    user = (
        db_session.get(User, objects["portal_user_id"])
        if role is Role.PENGGUNA
        else make_user(role)
    )
    browser = login_as(user)
    for rule, allowed in GET_PAGES.items():
        url = _url(rule, objects, read_only=True)
        status = browser.get(url).status_code
        if role in allowed:
            assert status == 200, f"{role.value} should open {url}, got {status}"
        elif rule.startswith("/tickets/<int:ticket_id>") and role in TICKET_VIEW:
            assert status == 404, f"{role.value} should not see the ticket, got {status}"
        elif rule.startswith("/laporan/<int:") or (
            rule.startswith("/bencana/<int:") and role in DISASTER_VIEW
        ):
            assert status == 404, f"{role.value} should not see the report, got {status}"
        elif rule.startswith("/qa/evaluasi/<int:") and role in QA_EVALUATION_VIEW:
            assert status == 404, f"{role.value} should not see the evaluation, got {status}"
        else:
            assert status == 403, f"{role.value} should be refused {url}, got {status}"


@pytest.mark.parametrize("role", list(Role), ids=lambda r: r.value)
def test_post_routes_by_role(role, objects, make_user, login_as):
    user = make_user(role)
    browser = login_as(user)
    for rule, allowed in POST_ROUTES.items():
        if rule == "/logout" or role in allowed:
            continue  # allowed POSTs are exercised by the workflow tests
        url = _url(rule, objects, read_only=False)
        status = browser.post(url, {}).status_code
        expected = (403, 404)
        assert status in expected, f"{role.value} POST {url} gave {status}"


def test_anonymous_is_sent_to_login(client, objects):
    for rule in GET_PAGES:
        response = client.get(_url(rule, objects, read_only=True))
        assert response.status_code == 302, rule
        assert "/login" in response.headers["Location"]


def test_post_without_csrf_is_rejected_even_for_admin(objects, make_user, login_as):
    admin = make_user(Role.ADMIN)
    browser = login_as(admin)
    for rule in POST_ROUTES:
        url = _url(rule, objects, read_only=False)
        response = browser.post(url, {}, csrf=False)
        assert response.status_code == 400, f"{url} accepted a POST without CSRF token"


@pytest.mark.parametrize("role", [r for r in Role if r is not Role.ADMIN], ids=lambda r: r.value)
def test_drafts_are_invisible_to_non_administrators(role, objects, make_user, login_as):
    browser = login_as(make_user(role))
    assert browser.get(f"/catalog/versions/{objects['version_id']}").status_code == 404
    assert browser.get(f"/catalog/services/{objects['service_id']}").status_code == 404
    assert browser.get(f"/catalog?version={objects['version_id']}").status_code == 404
    listing = browser.get("/catalog/versions").get_data(as_text=True)
    assert "T-DRAFT" not in listing
