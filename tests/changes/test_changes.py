"""Change requests through the CAB: the lifecycle end to end in the browser's shoes, the
requester told at each step, the CAB's composition and Eselon III vote, a rejected RFC that
cannot be implemented, and a catalog change ending in a new catalog version."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from sqlalchemy import select

from hai.auth.roles import Role
from hai.catalog.models import CatalogVersion, VersionState
from hai.catalog.queries import version_in_force
from hai.changes import services
from hai.changes.models import ChangeRequest, ChangeStatus, Decision
from hai.db_types import utcnow
from hai.mail.models import OutboxMessage
from hai.org.models import OrgUnit
from hai.web.timefmt import today_wib


def unit(db_session, code: str) -> OrgUnit:
    return db_session.scalar(select(OrgUnit).where(OrgUnit.code == code))


@pytest.fixture
def people(db_session, make_user):
    sitp, pa = unit(db_session, "DIT-SITP"), unit(db_session, "DIT-PA")
    rv = {
        "requester": make_user(Role.PENGGUNA, name="Sari Operator", user_type=1),
        "manajer": make_user(Role.MANAJER_LAYANAN, name="Rina Manajer"),
        "chair": make_user(Role.CAB, name="Hadi Kasubdit", unit_id=sitp.id),
        "member": make_user(Role.CAB, name="Wulan Kasi", unit_id=pa.id),
        "mp": make_user(Role.MANAJER_PERUBAHAN, name="Kurnia MP"),
        "admin": make_user(Role.ADMIN),
    }
    services.add_member(rv["chair"], eselon3=True, now=utcnow(), actor=rv["admin"])
    services.add_member(rv["member"], eselon3=False, now=utcnow(), actor=rv["admin"])
    db_session.commit()
    return rv


def version_of(page: str) -> str:
    return re.search(r'name="row_version"[^>]*value="(\d+)"', page).group(1)


def emails_to(db_session, address: str) -> list[OutboxMessage]:
    return list(
        db_session.scalars(
            select(OutboxMessage).where(OutboxMessage.to_addr == address).order_by(OutboxMessage.id)
        )
    )


def a_service_id(db_session) -> int:
    version = version_in_force(today_wib())
    return version.services[0].id


def submit_from_portal(signed_in, people, db_session, **overrides) -> tuple:
    browser = signed_in(people["requester"])
    browser.get("/portal/perubahan/baru")
    data = {
        "title": "Tambah menu unduh SP2D di OM SPAN",
        "scope": "in",
        "service_id": str(a_service_id(db_session)),
        "description": "Satker perlu mengunduh SP2D dalam PDF.",
        "justification": "Mengurangi pertanyaan ke call center.",
    }
    data.update(overrides)
    response = browser.post("/portal/perubahan/baru", data)
    assert response.status_code == 302, response.get_data(as_text=True)
    change = db_session.scalar(select(ChangeRequest).order_by(ChangeRequest.id.desc()))
    return browser, change


def to_cab(signed_in, people, change) -> None:
    manajer = signed_in(people["manajer"])
    page = manajer.get(f"/perubahan/{change.id}").get_data(as_text=True)
    sitp = people["chair"].unit_id
    response = manajer.post(
        f"/perubahan/{change.id}/pemilik",
        {"row_version": version_of(page), "owner_unit_id": str(sitp), "owner_contact": "Kasi OM"},
    )
    assert response.status_code == 302


def assess(browser, change) -> None:
    page = browser.get(f"/perubahan/{change.id}").get_data(as_text=True)
    start = today_wib() + timedelta(days=3)
    response = browser.post(
        f"/perubahan/{change.id}/nilai",
        {
            "row_version": version_of(page),
            "category": "normal",
            "impact": "medium",
            "assessment": "Perubahan tampilan; risiko rendah pada data.",
            "planned_start": start.isoformat(),
            "planned_end": (start + timedelta(days=7)).isoformat(),
        },
    )
    assert response.status_code == 302, response.get_data(as_text=True)


def decide(browser, change, decision: str, reason: str = "Sesuai kebutuhan pengguna."):
    page = browser.get(f"/perubahan/{change.id}").get_data(as_text=True)
    return browser.post(
        f"/perubahan/{change.id}/keputusan",
        {"row_version": version_of(page), "decision": decision, "reason": reason},
    )


def act(browser, change, path: str, **data):
    page = browser.get(f"/perubahan/{change.id}").get_data(as_text=True)
    return browser.post(f"/perubahan/{change.id}/{path}", {"row_version": version_of(page), **data})


def test_rfc_lifecycle_end_to_end_with_a_cab_decision(signed_in, people, db_session):
    requester_browser, change = submit_from_portal(signed_in, people, db_session)
    assert change.number.startswith("RFC-") and change.status is ChangeStatus.SUBMITTED
    to_cab(signed_in, people, change)

    chair, member = signed_in(people["chair"]), signed_in(people["member"])
    assess(chair, change)
    assert member.post(f"/perubahan/{change.id}/suara", {"vote": "approve", "comment": "Setuju."})
    response = decide(chair, change, "approve")
    assert response.status_code == 302
    db_session.refresh(change)
    assert change.status is ChangeStatus.APPROVED and change.decision is Decision.APPROVE
    assert [v.member.name for v in change.votes] == ["Wulan Kasi"]

    mp = signed_in(people["mp"])
    assert act(mp, change, "mulai").status_code == 302
    assert act(mp, change, "pelaksanaan", result="success",
               implementation="Menu unduh dirilis pada OM SPAN versi 5.2.").status_code == 302  # fmt: skip
    assert (
        act(mp, change, "tinjauan", review="Berjalan baik; tidak ada gangguan.").status_code == 302
    )
    db_session.refresh(change)
    assert change.status is ChangeStatus.CLOSED

    # The requester was told at each step, by email and on the portal.
    subjects = [m.subject for m in emails_to(db_session, people["requester"].email)]
    assert len(subjects) == 6, subjects
    assert all(s.startswith(f"[{change.number}]") for s in subjects)
    page = requester_browser.get(f"/portal/perubahan/{change.id}").get_data(as_text=True)
    for text in ("diterima HAI-DJPb", "kategori normal", "Keputusan CAB: disetujui cab",
                 "mulai dilaksanakan", "berhasil", "ditutup"):  # fmt: skip
        assert text.lower() in page.lower(), text
    assert "Kasi OM" not in page  # internal steps stay internal


def test_a_rejected_rfc_cannot_be_implemented(signed_in, people, db_session):
    _, change = submit_from_portal(signed_in, people, db_session)
    to_cab(signed_in, people, change)
    chair = signed_in(people["chair"])
    assess(chair, change)
    assert decide(chair, change, "reject", "Di luar kewenangan DJPb.").status_code == 302
    db_session.refresh(change)
    assert change.status is ChangeStatus.REJECTED

    mp = signed_in(people["mp"])
    page = mp.get(f"/perubahan/{change.id}").get_data(as_text=True)
    assert "Mulai pelaksanaan" not in page
    refused = mp.post(f"/perubahan/{change.id}/mulai", {"row_version": str(change.row_version)})
    assert refused.status_code == 422
    assert "Hanya RFC yang disetujui CAB yang dapat dilaksanakan." in refused.get_data(as_text=True)
    db_session.refresh(change)
    assert change.status is ChangeStatus.REJECTED and change.started_at is None
    with pytest.raises(services.ChangeError):
        services.start(change, now=utcnow(), actor=people["mp"])


def test_the_decision_needs_an_eselon3_official_of_the_unit_running_hai(
    signed_in, people, db_session
):
    _, change = submit_from_portal(signed_in, people, db_session)
    to_cab(signed_in, people, change)
    member = signed_in(people["member"])  # not Eselon III
    assess(member, change)
    refused = decide(member, change, "approve")
    assert refused.status_code == 422
    assert "Eselon III" in refused.get_data(as_text=True)
    db_session.refresh(change)
    assert change.status is ChangeStatus.ASSESSED
    # Once the Eselon III chair has voted, another member may record the decision.
    chair = signed_in(people["chair"])
    chair.post(f"/perubahan/{change.id}/suara", {"vote": "defer", "comment": "Tunggu anggaran."})
    assert decide(member, change, "defer", "Anggaran tahun depan.").status_code == 302
    db_session.refresh(change)
    assert change.status is ChangeStatus.DEFERRED
    # The last Eselon III seat cannot be removed without a replacement.
    admin = signed_in(people["admin"])
    seat = services.active_member(people["chair"])
    admin.get("/perubahan/cab")
    response = admin.post(f"/perubahan/cab/{seat.id}/berhenti", {})
    assert response.status_code == 422
    assert "pejabat Eselon III terakhir" in response.get_data(as_text=True)


def test_a_catalog_change_ends_in_a_new_catalog_version(signed_in, people, db_session):
    _, change = submit_from_portal(
        signed_in, people, db_session, title="Tambah ruang lingkup baru", catalog_change="y"
    )
    assert change.catalog_change
    to_cab(signed_in, people, change)
    chair = signed_in(people["chair"])
    assess(chair, change)
    decide(chair, change, "approve")
    mp = signed_in(people["mp"])
    act(mp, change, "mulai")
    refused = act(mp, change, "pelaksanaan", result="success", implementation="Selesai.")
    assert refused.status_code == 422
    assert "versi katalog baru" in refused.get_data(as_text=True)

    before = version_in_force(today_wib())
    assert act(mp, change, "katalog").status_code == 302
    db_session.refresh(change)
    draft = db_session.get(CatalogVersion, change.catalog_version_id)
    assert draft.state is VersionState.DRAFT and draft.based_on_id == before.id
    assert draft.code == f"{before.code}-{change.number}"
    assert len(draft.services) == len(before.services)
    assert act(mp, change, "pelaksanaan", result="success",
               implementation="Ruang lingkup ditambahkan pada draf.").status_code == 302  # fmt: skip
    db_session.refresh(change)
    assert change.status is ChangeStatus.IMPLEMENTED


def test_staff_record_an_rfc_and_bad_input_keeps_nothing(signed_in, make_user, db_session):
    agent = signed_in(make_user(Role.AGEN_L1))
    agent.get("/perubahan/baru")
    bad = agent.post(
        "/perubahan/baru",
        {"title": "Ubah format laporan", "scope": "in", "service_id": "",
         "description": "Uraian.", "requester_name": "Budi", "requester_email": "bukan-email"},
    )  # fmt: skip
    assert bad.status_code == 422
    html = bad.get_data(as_text=True)
    assert "Alamat email tidak valid." in html
    assert db_session.scalar(select(ChangeRequest)) is None
    missing_service = agent.post(
        "/perubahan/baru",
        {"title": "Ubah format laporan", "scope": "in", "service_id": "",
         "description": "Uraian.", "requester_name": "Budi", "requester_email": "budi@satker.go.id"},
    )  # fmt: skip
    assert missing_service.status_code == 422
    assert "Pilih layanan katalog yang berlaku" in missing_service.get_data(as_text=True)
    assert db_session.scalar(select(ChangeRequest)) is None
    ok = agent.post(
        "/perubahan/baru",
        {"title": "Aplikasi baru pelaporan BLU", "scope": "out", "description": "Uraian.",
         "requester_name": "Budi", "requester_email": "budi@satker.go.id"},
    )  # fmt: skip
    assert ok.status_code == 302
    change = db_session.scalar(select(ChangeRequest))
    assert not change.in_catalog and change.requester_id is None
    assert [m.to_addr for m in emails_to(db_session, "budi@satker.go.id")] == ["budi@satker.go.id"]


def test_assessment_rules(signed_in, people, db_session):
    _, change = submit_from_portal(signed_in, people, db_session)
    with pytest.raises(services.ChangeError, match="pemilik produk"):
        services.assess(
            change, category=services.ChangeCategory.NORMAL, impact=services.ChangeImpact.LOW,
            assessment="x", planned_start=today_wib(), planned_end=today_wib(), now=utcnow(),
            actor=people["chair"],
        )  # fmt: skip
    to_cab(signed_in, people, change)
    chair = signed_in(people["chair"])
    page = chair.get(f"/perubahan/{change.id}").get_data(as_text=True)
    start = today_wib() + timedelta(days=5)
    bad = chair.post(
        f"/perubahan/{change.id}/nilai",
        {"row_version": version_of(page), "category": "normal", "impact": "low",
         "assessment": "Analisis.", "planned_start": start.isoformat(),
         "planned_end": (start - timedelta(days=1)).isoformat()},
    )  # fmt: skip
    assert bad.status_code == 422
    assert "Jadwal selesai sebelum jadwal mulai." in bad.get_data(as_text=True)
    db_session.refresh(change)
    assert change.status is ChangeStatus.SUBMITTED
    # A CAB role without a seat cannot act.
    with pytest.raises(services.ChangeError, match="anggota CAB"):
        services.vote(change, Decision.APPROVE, "", now=utcnow(), actor=people["manajer"])


def test_requesters_see_only_their_own_rfcs(signed_in, people, db_session, make_user):
    _, change = submit_from_portal(signed_in, people, db_session)
    other = signed_in(make_user(Role.PENGGUNA, user_type=1))
    assert other.get(f"/portal/perubahan/{change.id}").status_code == 404
    assert change.title not in other.get("/portal/perubahan").get_data(as_text=True)


def test_rfc_points_to_a_configuration_item_and_fixes_a_problem(signed_in, people, db_session):
    from hai.cmdb.models import ConfigurationItem
    from hai.problems import services as problems
    from hai.problems.models import Problem
    from hai.tickets.models import Notification

    _, change = submit_from_portal(signed_in, people, db_session)
    span = db_session.scalar(select(ConfigurationItem).where(ConfigurationItem.code == "SPAN"))
    manajer = signed_in(people["manajer"])
    page = manajer.get(f"/perubahan/{change.id}").get_data(as_text=True)
    manajer.post(
        f"/perubahan/{change.id}/pemilik",
        {"row_version": version_of(page), "owner_unit_id": str(people["chair"].unit_id),
         "ci_id": str(span.id)},
    )  # fmt: skip
    db_session.refresh(change)
    assert change.ci_id == span.id
    ci_page = manajer.get(f"/ci/{span.id}").get_data(as_text=True)
    assert change.number in ci_page

    # The Manajer Layanan records the RFC as the problem's permanent fix.
    problem = problems.create_problem(
        title="Sinkronisasi SPAN lambat", description="", ci=span, ticket_list=[],
        actor=people["manajer"], now=utcnow(),
    )  # fmt: skip
    problems.save_analysis(
        problem, title=problem.title, description="", root_cause="Antrean penuh.",
        fix_reference=f"Perbaikan melalui {change.number.lower()}", ci=span,
        actor=people["manajer"], now=utcnow(),
    )  # fmt: skip
    assert problem.fix_change_id == change.id
    with pytest.raises(problems.ProblemError, match="RFC-2099-99999 tidak ditemukan"):
        problems.save_analysis(
            problem, title=problem.title, description="", root_cause="x",
            fix_reference="RFC-2099-99999", ci=span, actor=people["manajer"], now=utcnow(),
        )  # fmt: skip
    db_session.commit()
    assert problem.number in manajer.get(f"/perubahan/{change.id}").get_data(as_text=True)
    assert change.number in manajer.get(f"/problems/{problem.id}").get_data(as_text=True)

    # When the change is carried out, the Manajer Layanan is told to check the problem.
    chair = signed_in(people["chair"])
    assess(chair, change)
    decide(chair, change, "approve")
    mp = signed_in(people["mp"])
    act(mp, change, "mulai")
    act(mp, change, "pelaksanaan", result="success", implementation="Antrean diperbesar.")
    told = db_session.scalars(
        select(Notification.text).where(Notification.user_id == people["manajer"].id)
    ).all()
    assert any(problem.number in t and change.number in t for t in told)
    assert db_session.get(Problem, problem.id).fix_change.number == change.number
