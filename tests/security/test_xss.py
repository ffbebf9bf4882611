"""Stored XSS: one payload through every free-text field of the main forms (and as an
uploaded file's name); every page that shows it back must carry it escaped, with no
live tag, no inline script and no event handler.

Driven by ``CASES``: (who submits, form URL, form data with the payload in its
free-text fields, the pages — and who opens them — where the text shows). To cover a
new form, add a line."""

from __future__ import annotations

import io
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date

import pytest
from sqlalchemy import select

from hai.auth.roles import Role
from hai.db_types import utcnow
from tests.tickets.conftest import scope as catalog_scope
from tests.web.test_errors_and_headers import scan

PAYLOAD = "<script>alert(1)</script>\"'><img src=x onerror=alert(1)>"
RAW = (
    "<script>alert(1)</script>",
    "<img src=x onerror=alert(1)>",
    "onerror=alert(1)>",
    "<svg onload",
)
# A file name cannot carry '"' or '/' through a multipart header; the rest of the payload
# (and an SVG) can.
FILE_NAME = "x'><img src=x onerror=alert(1)><svg onload=alert(2)>.pdf"
ESCAPED = "&lt;img src=x onerror=alert(1)&gt;"


@dataclass
class Case:
    name: str
    who: str
    form_url: str | Callable
    data: Callable  # (ctx) -> form data
    pages: Callable  # (ctx) -> [(who, url)]
    markdown: bool = False  # rendered through Markdown and nh3: the tag may be dropped


def _newest(db_session, model):
    return db_session.scalar(select(model).order_by(model.id.desc()).limit(1))


def _ticket(ctx):
    from hai.tickets.models import Ticket

    return _newest(ctx.db, Ticket)


def intake_data(ctx):
    return {
        "channel": "call_center",
        "received_at": "2026-03-02T09:00",
        "requester_name": PAYLOAD,
        "requester_email": "sri@satker.go.id",
        "requester_user_type": "8",
        "satker_name": PAYLOAD,
        "scope": f"scope:{catalog_scope(ctx.db, 'ITSM.01.04.01.a').id}",
        "ticket_type": "question",
        "subject": PAYLOAD,
        "description": PAYLOAD,
    }


def portal_ticket_data(ctx, filename=None):
    from tests.portal.conftest import service

    data = {
        "service": str(service(ctx.db, "BCSM.02.01").id),
        "scope": "",
        "ticket_type": "question",
        "subject": PAYLOAD,
        "description": PAYLOAD,
    }
    if filename:
        data["attachments"] = (io.BytesIO(b"%PDF-1.4\n%%EOF\n"), filename)
    return data


def _remember_ticket(ctx):
    ctx.ticket = _ticket(ctx)
    return ctx.ticket


def ticket_pages(ctx):
    t = _remember_ticket(ctx)
    return [("l1", f"/tickets/{t.id}"), ("l1", "/tickets?queue=all"), ("l1", "/tickets")]


def portal_ticket_pages(ctx):
    t = _remember_ticket(ctx)
    return [("requester", f"/portal/tiket/{t.id}"), ("requester", "/portal"),
            ("l1", f"/tickets/{t.id}"), ("l1", "/tickets?queue=all")]  # fmt: skip


def _row_version(ctx):
    ctx.db.refresh(ctx.ticket)
    return str(ctx.ticket.row_version)


def rfc_pages(ctx):
    from hai.changes.models import ChangeRequest

    c = _newest(ctx.db, ChangeRequest)
    return [("requester", f"/portal/perubahan/{c.id}"), ("requester", "/portal/perubahan"),
            ("manajer", f"/perubahan/{c.id}"), ("manajer", "/perubahan")]  # fmt: skip


def disaster_data(ctx):
    from hai.disasters import services

    template = services.current_template()
    return {
        "reporter_name": PAYLOAD,
        "reporter_position": PAYLOAD,
        "reporter_phone": "0811",
        "reporter_is_employee": "y",
        "channel_code": "call_center",
        "event_type": "flood",
        "event_at": "2026-03-02T07:30",
        "location": PAYLOAD,
        "description": PAYLOAD,
        "template_id": str(template.id),
        **{f"check_{i.code}": "yes" for i in template.items},
        "note_power": PAYLOAD,
    }


def disaster_pages(ctx):
    from hai.disasters.models import DisasterReport

    r = _newest(ctx.db, DisasterReport)
    return [("bcm", f"/bencana/{r.id}"), ("l1", f"/bencana/{r.id}"),
            ("l1", f"/bencana/{r.id}/cetak"), ("l1", "/bencana?status=all")]  # fmt: skip


def problem_pages(ctx):
    from hai.reports.models import Report

    r = _newest(ctx.db, Report)
    return [("l1", f"/laporan/{r.id}"), ("l1", "/laporan/permasalahan")]


def unit_pages(ctx):
    from hai.org.models import OrgUnit

    u = ctx.db.scalar(select(OrgUnit).where(OrgUnit.code == "XSS-1"))
    return [("admin", "/admin/units"), ("admin", f"/admin/units/{u.id}")]


def user_pages(ctx):
    from hai.auth.models import User

    u = ctx.db.scalar(select(User).where(User.email == "iseng-xss@test.hai"))
    return [("admin", "/admin/users"), ("admin", f"/admin/users/{u.id}"),
            ("admin", "/admin/users?q=iseng")]  # fmt: skip


def article_data(ctx):
    return {
        "title": PAYLOAD,
        "kind": "article",
        "audience": "public",
        "body": f"Langkah:\n\n{PAYLOAD}\n\n[klik](javascript:alert(1))",
        "service_code": "",
        "scope_code": "",
        "tags": "aman",
        "reg_number": "",
        "reg_title": "",
        "reg_article": "",
        "review_by": "",
        "note": "",
    }


def article_pages(ctx):
    from hai.haipedia import services
    from hai.haipedia.models import Article

    a = _newest(ctx.db, Article)
    services.publish(a, actor=ctx.users["manajer"], now=utcnow())
    ctx.db.commit()
    return [("l1", f"/haipedia/articles/{a.id}"), ("l1", "/haipedia/articles"),
            ("anonymous", f"/haipedia/{a.id}"), ("anonymous", "/haipedia?q=langkah"),
            ("requester", f"/portal/artikel/{a.id}")]  # fmt: skip


def broadcast_data(ctx):
    from hai.broadcasts.models import RecipientGroup

    group = ctx.db.scalar(select(RecipientGroup).where(RecipientGroup.code == "CSO-KPPN"))
    return {
        "title": PAYLOAD,
        "purpose": PAYLOAD,
        "content": PAYLOAD,
        "channels": ["portal"],
        "group_ids": [str(group.id)],
        "other_recipients": "",
        "contact_name": PAYLOAD,
        "contact_position": "Kepala Seksi (Eselon IV)",
        "contact_phone": "021-3449230",
        "contact_email": "budi@kemenkeu.go.id",
    }


def broadcast_pages(ctx):
    from hai.broadcasts.models import Broadcast

    b = _newest(ctx.db, Broadcast)
    return [("dit", f"/portal/broadcast/{b.id}"), ("dit", "/portal/broadcast"),
            ("l1", f"/broadcasts/{b.id}"), ("l1", "/broadcasts")]  # fmt: skip


def training_pages(ctx):
    from hai.qa.models import Training

    t = _newest(ctx.db, Training)
    return [("qa", "/qa/pelatihan"), ("qa", f"/qa/pelatihan/{t.id}")]


def survey_url(ctx):
    from hai.surveys import services

    survey = services.create_survey(
        services.SurveyData(title="Survei XSS"), actor=ctx.users["manajer"], now=utcnow()
    )
    ctx.question = services.add_question(
        survey, services.QuestionData("text", "Saran Anda?"), actor=ctx.users["manajer"],
        now=utcnow(),
    )  # fmt: skip
    services.open_survey(survey, actor=ctx.users["manajer"], now=utcnow())
    services.invite(
        survey, services.InviteRequest(requesters=True), actor=ctx.users["manajer"], now=utcnow()
    )
    ctx.db.commit()
    ctx.survey = survey
    return f"/portal/survei/{survey.id}"


CASES = [
    Case("ticket intake", "l1", "/tickets/new", intake_data, ticket_pages),
    Case(
        "agent reply",
        "l1",
        lambda ctx: f"/tickets/{ctx.ticket.id}/act/reply",
        lambda ctx: {"body": PAYLOAD, "row_version": _row_version(ctx)},
        lambda ctx: [("l1", f"/tickets/{ctx.ticket.id}")],
    ),
    Case("portal request", "requester", "/portal/baru", portal_ticket_data, portal_ticket_pages),
    Case(
        "requester message",
        "requester",
        lambda ctx: f"/portal/tiket/{ctx.ticket.id}/aksi/pesan",
        lambda ctx: {"body": PAYLOAD, "row_version": _row_version(ctx)},
        lambda ctx: [
            ("requester", f"/portal/tiket/{ctx.ticket.id}"),
            ("l1", f"/tickets/{ctx.ticket.id}"),
        ],  # fmt: skip
    ),
    Case(
        "uploaded file name",
        "requester",
        "/portal/baru",
        lambda ctx: portal_ticket_data(ctx, filename=FILE_NAME),
        portal_ticket_pages,
    ),
    Case(
        "RFC on the portal",
        "requester",
        "/portal/perubahan/baru",
        lambda ctx: {
            "title": PAYLOAD,
            "scope": "out",
            "service_id": "",
            "description": PAYLOAD,
            "justification": PAYLOAD,
        },  # fmt: skip
        rfc_pages,
    ),
    Case("disaster report", "bcm", "/bencana/lapor", disaster_data, disaster_pages),
    Case(
        "problem report",
        "l1",
        "/laporan/permasalahan/baru",
        lambda ctx: {
            "title": PAYLOAD,
            "problems": PAYLOAD,
            "regulation": PAYLOAD,
            "analysis": PAYLOAD,
            "recommendations": PAYLOAD,
        },  # fmt: skip
        problem_pages,
    ),
    Case(
        "unit name",
        "admin",
        "/admin/units/new",
        lambda ctx: {
            "code": "XSS-1",
            "name": PAYLOAD,
            "short_name": PAYLOAD[:80],
            "kind": "lainnya",
            "parent_id": "",
        },  # fmt: skip
        unit_pages,
    ),
    Case(
        "user name",
        "admin",
        "/admin/users/new",
        lambda ctx: {
            "email": "iseng-xss@test.hai",
            "name": PAYLOAD,
            "position": PAYLOAD,
            "phone": "",
            "unit_id": "",
            "user_type": "",
            "roles": ["agen_l1"],
            "password": "kuda-baterai-benar-42",
        },  # fmt: skip
        user_pages,
    ),
    Case("HAIPEDIA article", "l1", "/haipedia/articles/new", article_data, article_pages, True),
    Case("broadcast request", "dit", "/portal/broadcast/baru", broadcast_data, broadcast_pages),
    Case(
        "QA training",
        "qa",
        "/qa/pelatihan",
        lambda ctx: {
            "title": PAYLOAD,
            "topic": "information",
            "held_on": date(2026, 1, 5),
            "hours": "2",
            "organiser": PAYLOAD,
            "note": PAYLOAD,
        },  # fmt: skip
        training_pages,
    ),
    Case(
        "survey answer",
        "requester",
        survey_url,
        lambda ctx: {ctx.question.field_name: PAYLOAD},
        lambda ctx: [("manajer", f"/surveys/{ctx.survey.id}/results")],
    ),
]


class Context:
    def __init__(self, app, db, users, browsers):
        self.app, self.db, self.users, self.browsers = app, db, users, browsers
        self.ticket = None

    def call(self, function):
        """Run a case's helper (services need an app context; requests must not share it)."""
        with self.app.app_context():
            return function(self)


@pytest.fixture
def ctx(app, db_session, make_user, signed_in):
    from hai.org.models import OrgUnit
    from hai.tickets.models import Requester
    from tests.conftest import Browser

    office = db_session.scalar(select(OrgUnit).where(OrgUnit.code == "KPPN-JYP"))
    users = {
        "l1": make_user(Role.AGEN_L1),
        "manajer": make_user(Role.MANAJER_LAYANAN),
        "admin": make_user(Role.ADMIN),
        "qa": make_user(Role.QA),
        "bcm": make_user(Role.KOORDINATOR_BCM, unit_id=office.id),
        "requester": make_user(Role.PENGGUNA, user_type=1),
        "dit": make_user(Role.PENGGUNA, user_type=8, email="kasubdit-xss@kemenkeu.go.id"),
    }
    for key in ("requester", "dit"):
        u = users[key]
        db_session.add(
            Requester(
                name=u.name, email=u.email, user_type=u.user_type, user_id=u.id, created_at=utcnow()
            )  # fmt: skip
        )
    db_session.commit()
    browsers = {key: signed_in(user) for key, user in users.items()}
    browsers["anonymous"] = Browser(app.test_client())
    return Context(app, db_session, users, browsers)


def _errors(response) -> list[str]:
    import re

    html = response.get_data(as_text=True)
    return re.findall(r'class="(?:field-error|flash flash-error)"[^>]*>([^<]*)', html)


def assert_safe(html: str, where: str, *, markdown: bool) -> None:
    for raw in RAW:
        assert raw not in html, f"{where}: raw {raw!r} in the page"
    found = scan(html)
    assert all(s["src"] and not s["body"].strip() for s in found.scripts), where
    assert found.handlers == [], f"{where}: event handlers {found.handlers}"
    assert 'href="javascript:' not in html.lower(), where
    if not markdown:
        assert ESCAPED in html, f"{where}: the text is not shown (escaped) at all"


def test_the_payload_is_escaped_wherever_it_is_shown(ctx):
    for case in CASES:
        url = ctx.call(case.form_url) if callable(case.form_url) else case.form_url
        browser = ctx.browsers[case.who]
        form_page = browser.get(url)  # a form page, or a POST-only action of a shown page
        assert form_page.status_code in (200, 405), (
            f"{case.name}: {url} gave {form_page.status_code}"
        )
        response = browser.post(url, ctx.call(case.data), content_type="multipart/form-data")
        assert response.status_code in (200, 302), (
            f"{case.name}: {response.status_code} {_errors(response)}"
        )
        pages = ctx.call(case.pages)
        assert pages, case.name
        for who, page_url in pages:
            page = ctx.browsers[who].get(page_url)
            assert page.status_code == 200, f"{case.name}: {who} {page_url} {page.status_code}"
            assert_safe(page.get_data(as_text=True), f"{case.name}: {page_url}",
                        markdown=case.markdown)  # fmt: skip


def test_a_refused_form_shows_the_payload_escaped_too(ctx):
    """Validation errors re-render what was typed: escaped as well."""
    data = ctx.call(intake_data)
    data["requester_name"] = ""
    response = ctx.browsers["l1"].post("/tickets/new", data)
    assert response.status_code == 422
    assert_safe(response.get_data(as_text=True), "intake 422", markdown=False)
