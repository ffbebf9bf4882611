"""Catalog pages as a user sees them: browsing and searching the version in force,
the service page, comparing versions, and the administrators' draft workflow
through the HTTP views (CSRF on, htmx fragments where the page uses them)."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from sqlalchemy import func, select

from hai.auth.roles import Role
from hai.catalog.models import CatalogScope, CatalogService, CatalogVersion, VersionState
from hai.catalog.queries import version_in_force
from hai.org.models import OrgUnit
from hai.web.timefmt import today_wib

HTMX = {"HX-Request": "true"}
SERVICE_ITEM = 'class="service-item"'


# --- helpers -----------------------------------------------------------------------


def _html(response) -> str:
    return response.get_data(as_text=True)


def _version(db_session, code: str) -> CatalogVersion:
    return db_session.scalar(select(CatalogVersion).where(CatalogVersion.code == code))


def _service(db_session, version: CatalogVersion, code: str) -> CatalogService:
    return db_session.scalar(
        select(CatalogService).where(
            CatalogService.version_id == version.id, CatalogService.code == code
        )
    )


def _listed_codes(html: str) -> list[str]:
    """Service codes in the result list, in order."""
    return re.findall(r'<div class="service-head">\s*<a href="[^"]+"><code>([^<]+)</code>', html)


def _field_error(html: str, field_id: str) -> str | None:
    """The error shown beside a form field (``<p id="<field>-error">``), if any."""
    match = re.search(rf'<p class="field-error" id="{re.escape(field_id)}-error">([^<]*)</p>', html)
    return match.group(1) if match else None


def _field_block(html: str, field_id: str) -> str:
    """The ``<div class="field …">`` that holds the input with this id."""
    for block in re.findall(r'<div class="field[^"]*">.*?</div>', html, flags=re.S):
        if f'id="{field_id}"' in block:
            return block
    raise AssertionError(f"no field {field_id} on the page")


def _count(db_session, model, *where) -> int:
    return db_session.scalar(select(func.count()).select_from(model).where(*where))


# --- fixtures ------------------------------------------------------------------------


@pytest.fixture
def pengguna(make_user, login_as):
    return login_as(make_user(Role.PENGGUNA, user_type=1))


@pytest.fixture
def admin_user(make_user):
    return make_user(Role.ADMIN)


@pytest.fixture
def admin(admin_user, login_as):
    return login_as(admin_user)


@pytest.fixture
def active(db_session):
    return _version(db_session, "2023.1")


@pytest.fixture
def old(db_session):
    return _version(db_session, "2023.0")


@pytest.fixture
def draft(db_session, active, admin_user):
    from hai.catalog.services import create_draft
    from hai.db_types import utcnow

    version = create_draft(
        active, code="2099.0", title="Draf revisi uji", now=utcnow(), actor=admin_user
    )
    db_session.commit()
    return version


# --- browsing ------------------------------------------------------------------------


def test_catalog_shows_the_version_in_force(pengguna):
    response = pengguna.get("/catalog?user_type=")  # "Semua jenis pengguna"
    assert response.status_code == 200
    html = _html(response)
    assert "<html" in html
    summary = re.search(r'<p class="result-summary"[^>]*>(.*?)</p>', html, flags=re.S).group(1)
    assert "2023.1" in summary
    assert "Berlaku" in summary
    assert "30 Juni 2023" in summary
    assert "19 layanan" in summary
    assert html.count(SERVICE_ITEM) == 19
    assert "ITSM.01.04" in _listed_codes(html)


def test_catalog_older_version_can_be_chosen(pengguna, old):
    html = _html(pengguna.get(f"/catalog?version={old.id}&user_type="))
    assert "Tidak berlaku" in html
    assert html.count(SERVICE_ITEM) == 12
    assert "ITSM.01" in _listed_codes(html)


def test_search_filters_services(pengguna):
    response = pengguna.get("/catalog?q=sakti&user_type=")
    assert response.status_code == 200
    html = _html(response)
    assert _listed_codes(html) == ["ITSM.01.04", "ITSM.01.07"]
    assert "2 layanan cocok dengan «sakti»" in html


def test_search_shows_matching_scopes_under_their_service(pengguna):
    html = _html(pengguna.get("/catalog?q=reset+password&user_type="))
    assert _listed_codes(html) == ["ITSM.01.04"]
    hits = re.search(r'<ul class="scope-hits">(.*?)</ul>', html, flags=re.S).group(1)
    assert "Reset Password User SAKTI" in hits


def test_a_requester_first_sees_the_services_of_their_own_user_type(pengguna):
    html = _html(pengguna.get("/catalog"))
    assert "untuk jenis pengguna 1 (Satker Kementerian Negara/Lembaga)" in html
    codes = _listed_codes(html)
    assert "BCSM.02.01" in codes and "WBSM.01" in codes
    assert "ITSM.01.04" not in codes  # type 1 has no access to the application services
    assert "BMSM.01" not in codes


def test_search_without_match_says_so(pengguna):
    html = _html(pengguna.get("/catalog?q=tidakadalayananini"))
    assert html.count(SERVICE_ITEM) == 0
    assert "Tidak ada layanan yang cocok" in html


def test_htmx_search_returns_only_the_fragment(pengguna):
    response = pengguna.htmx_get("/catalog?q=sakti&user_type=")
    assert response.status_code == 200
    html = _html(response)
    assert "<html" not in html
    assert "<form" not in html
    assert html.lstrip().startswith('<p class="result-summary"')
    assert _listed_codes(html) == ["ITSM.01.04", "ITSM.01.07"]
    assert "HX-Request" in response.headers.get("Vary", "")


def test_full_page_also_varies_on_hx_request(pengguna):
    """Caches must not serve the fragment for the page or the other way round."""
    response = pengguna.get("/catalog?q=sakti&user_type=")
    assert "HX-Request" in response.headers.get("Vary", "")


def test_user_type_filter_hides_services_of_other_types(pengguna):
    html = _html(pengguna.get("/catalog?user_type=4"))
    codes = _listed_codes(html)
    assert codes, "type 4 may use some services"
    assert not [c for c in codes if c.startswith("ITSM.01.")]
    assert "BMSM.01" not in codes
    assert "WBSM.01" in codes
    assert "untuk jenis pengguna 4" in html
    assert '<option value="4" selected>' in html


def test_user_type_8_sees_the_application_services(pengguna):
    codes = _listed_codes(_html(pengguna.get("/catalog?user_type=8")))
    assert {"ITSM.01.03", "ITSM.01.04", "ITSM.01.07", "ITSM.01.08", "ITSM.01.09"} <= set(codes)


@pytest.mark.parametrize("query", ["user_type=abc", "user_type=12", "user_type=0", "version=x"])
def test_bad_filter_values_are_a_bad_request(pengguna, query):
    assert pengguna.get(f"/catalog?{query}").status_code == 400


def test_unknown_version_is_not_found(pengguna):
    assert pengguna.get("/catalog?version=987654").status_code == 404


@pytest.mark.parametrize("htmx", [False, True], ids=["page", "htmx"])
def test_search_text_is_escaped(pengguna, htmx):
    url = "/catalog?q=%3Cscript%3Ealert(1)%3C/script%3E"
    response = pengguna.htmx_get(url) if htmx else pengguna.get(url)
    assert response.status_code == 200
    html = _html(response)
    assert "<script>alert(1)</script>" not in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html


def test_service_page_shows_scopes_and_access_matrix(pengguna, db_session, active):
    sakti = _service(db_session, active, "ITSM.01.04")
    response = pengguna.get(f"/catalog/services/{sakti.id}")
    assert response.status_code == 200
    html = _html(response)
    assert "Layanan SAKTI" in html
    assert "24 jam kerja" in html
    assert "(Direktorat Sistem Informasi dan Teknologi Perbendaharaan)" in html
    scope_codes = re.findall(r'<tr class="depth-\d"><td><code>([^<]+)</code>', html)
    assert scope_codes == [s.code for s in sakti.scopes]
    assert len(scope_codes) == 30
    assert "ITSM.01.04.01" in scope_codes
    assert any(re.fullmatch(r"ITSM\.01\.04\.\d\d\.[a-z]", c) for c in scope_codes)
    matrix = dict(
        re.findall(
            r'<th scope="row">(\d+)\. [^<]*</th>\s*<td><span class="badge badge-(ok|off)">', html
        )
    )
    assert {int(t) for t, state in matrix.items() if state == "ok"} == {8, 9}
    assert {int(t) for t, state in matrix.items() if state == "off"} == set(range(1, 12)) - {8, 9}
    assert ">Ubah<" not in html  # not editable


def test_service_without_scopes_says_the_norm_covers_it(pengguna, db_session, active):
    broadcast = _service(db_session, active, "BMSM.01")
    html = _html(pengguna.get(f"/catalog/services/{broadcast.id}"))
    assert "tidak dirinci per ruang lingkup" in html
    assert "8 jam kerja" in html


def test_compare_page_shows_changes(pengguna, old, active):
    response = pengguna.get(f"/catalog/compare?left={old.id}&right={active.id}")
    assert response.status_code == 200
    html = _html(response)
    rows = {
        code: (kind, details)
        for kind_cls, code, kind, details in re.findall(
            r'<tr class="diff-(\w+)"><td><code>([^<]+)</code></td>\s*<td>(\w+)</td>\s*'
            r"<td>[^<]*</td><td>([^<]*)</td></tr>",
            html,
        )
    }
    assert rows["ITSM.03"][0] == "Dihapus"
    assert rows["ITSM.01.07"][0] == "Ditambah"
    assert rows["WBSM.01.01"] == ("Diubah", "Norma: 32 jam kerja → 24 jam kerja")
    assert "Dari <strong>2023.0</strong> ke <strong>2023.1</strong>" in html


def test_compare_page_without_choice_offers_the_two_latest(pengguna, old, active):
    html = _html(pengguna.get("/catalog/compare"))
    assert f'<option value="{old.id}" selected>' in html
    assert f'<option value="{active.id}" selected>' in html


def test_version_list_shows_states(pengguna):
    html = _html(pengguna.get("/catalog/versions"))
    assert re.search(r"<code>2023\.1</code>.*?badge-active\">Berlaku<", html, flags=re.S)
    assert re.search(r"<code>2023\.0</code>.*?badge-retired\">Tidak berlaku<", html, flags=re.S)


# --- administrators: drafting through the views ----------------------------------------


def test_admin_creates_a_draft_from_the_active_version(admin, db_session, active):
    assert admin.get(f"/catalog/versions/{active.id}").status_code == 200
    response = admin.post(
        f"/catalog/versions/{active.id}/draft", {"code": "2099.5", "title": "Revisi uji"}
    )
    assert response.status_code == 302
    draft = _version(db_session, "2099.5")
    assert draft is not None
    assert draft.state is VersionState.DRAFT
    assert response.headers["Location"].endswith(f"/catalog/versions/{draft.id}")
    page = _html(admin.get(f"/catalog/versions/{draft.id}"))
    assert "Draf versi 2099.5 dibuat dari versi 2023.1." in page
    assert 'badge-draft">Draf<' in page
    assert "19 layanan, 348 ruang lingkup" in page
    assert "Aktifkan versi" in page


def test_duplicate_draft_code_is_refused_beside_the_field(admin, db_session, active):
    admin.get("/catalog/versions")
    before = _count(db_session, CatalogVersion)
    response = admin.post(
        f"/catalog/versions/{active.id}/draft", {"code": "2023.0", "title": "Salah"}
    )
    assert response.status_code == 422
    html = _html(response)
    assert _field_error(html, "code") == "Kode versi sudah dipakai."
    assert 'value="Salah"' in html  # what was typed is kept
    assert _count(db_session, CatalogVersion) == before


def test_empty_draft_form_is_refused(admin, db_session, active):
    admin.get("/catalog/versions")
    response = admin.post(f"/catalog/versions/{active.id}/draft", {"code": "", "title": ""})
    assert response.status_code == 422
    html = _html(response)
    assert _field_error(html, "code") == "Wajib diisi."
    assert _field_error(html, "title") == "Wajib diisi."


def test_admin_edits_a_service_of_a_draft(admin, db_session, draft):
    service = _service(db_session, draft, "ITSM.01.04")
    sitp = db_session.scalar(select(OrgUnit).where(OrgUnit.code == "DIT-SITP"))
    url = f"/catalog/services/{service.id}/edit"
    form = _html(admin.get(url))
    assert 'value="ITSM.01.04"' in form
    response = admin.post(
        url,
        {
            "code": "ITSM.01.04",
            "name": "Layanan SAKTI Terpadu",
            "definition": "Dukungan aplikasi SAKTI.",
            "audience": "Satker dan KPPN",
            "responsible_unit_name": "Direktorat SITP",
            "responsible_unit_id": str(sitp.id),
            "norm_hours": "16",
            "norm_text": "",
            "access": ["1", "2", "8", "9"],
        },
    )
    assert response.status_code == 302, _field_error(_html(response), "access")
    assert response.headers["Location"].endswith(url)
    db_session.expire_all()
    assert service.name == "Layanan SAKTI Terpadu"
    assert service.definition == "Dukungan aplikasi SAKTI."
    assert service.audience == "Satker dan KPPN"
    assert service.norm_hours == 16
    assert service.norm_text == "16 jam kerja"
    assert service.responsible_unit_id == sitp.id
    assert service.access == {1, 2, 8, 9}
    page = _html(admin.get(url))
    assert "Layanan ITSM.01.04 disimpan." in page
    # The public page of the draft service shows the new access matrix.
    detail = _html(admin.get(f"/catalog/services/{service.id}"))
    assert detail.count('badge badge-ok">Akses<') == 4


def test_service_edit_form_is_prefilled(admin, db_session, draft):
    service = _service(db_session, draft, "BMSM.01")
    html = _html(admin.get(f"/catalog/services/{service.id}/edit"))
    assert 'value="8"' in _field_block(html, "norm_hours")
    checked = re.findall(
        r'<input checked id="access-\d+" name="access" type="checkbox" value="(\d+)"', html
    )
    assert sorted(int(v) for v in checked) == [8, 9]


def test_invalid_service_edit_keeps_the_page_with_errors(admin, db_session, draft):
    service = _service(db_session, draft, "BMSM.01")
    url = f"/catalog/services/{service.id}/edit"
    admin.get(url)
    response = admin.post(url, {"code": "BMSM.01", "name": "", "norm_hours": "0", "access": ["8"]})
    assert response.status_code == 422
    html = _html(response)
    assert _field_error(html, "name") == "Wajib diisi."
    assert _field_error(html, "norm_hours") == "Antara 1 dan 2000 jam kerja, atau kosong."
    db_session.expire_all()
    assert (service.name, service.norm_hours, service.access) == (
        "Layanan Broadcast",
        8,
        {8, 9},
    )


def test_admin_adds_a_scope_with_htmx(admin, db_session, draft):
    service = _service(db_session, draft, "WBSM.01")
    admin.get(f"/catalog/services/{service.id}/edit")
    response = admin.post(
        f"/catalog/services/{service.id}/scopes",
        {
            "new-scope-code": "WBSM.01.04",
            "new-scope-name": "Pengaduan gratifikasi",
            "new-scope-norm_hours": "16",
        },
        headers=HTMX,
    )
    assert response.status_code == 200
    html = _html(response)
    assert "<html" not in html
    assert "<code>WBSM.01.04</code>" in html
    assert "Pengaduan gratifikasi" in html
    assert "Ruang lingkup WBSM.01.04 ditambahkan." in html  # out-of-band flash
    assert "Tambah ruang lingkup" in html  # a fresh form to add the next one
    db_session.expire_all()
    added = next(s for s in service.scopes if s.code == "WBSM.01.04")
    assert (added.name, added.norm_hours, added.depth) == ("Pengaduan gratifikasi", 16, 1)


def test_admin_adds_a_sub_scope_under_a_parent(admin, db_session, draft):
    service = _service(db_session, draft, "WBSM.01")
    parent = service.scopes[0]
    admin.get(f"/catalog/services/{service.id}/edit")
    response = admin.post(
        f"/catalog/services/{service.id}/scopes",
        {
            "new-scope-code": "WBSM.01.01.a",
            "new-scope-name": "Rincian",
            "new-scope-norm_hours": "",
            "new-scope-parent_id": str(parent.id),
        },
        headers=HTMX,
    )
    assert response.status_code == 200
    db_session.expire_all()
    child = next(s for s in service.scopes if s.code == "WBSM.01.01.a")
    assert (child.parent_id, child.depth, child.norm_hours) == (parent.id, 2, None)


def test_scope_without_a_name_is_refused_beside_the_field(admin, db_session, draft):
    service = _service(db_session, draft, "WBSM.01")
    admin.get(f"/catalog/services/{service.id}/edit")
    before = _count(db_session, CatalogScope, CatalogScope.service_id == service.id)
    response = admin.post(
        f"/catalog/services/{service.id}/scopes",
        {"new-scope-code": "WBSM.01.04", "new-scope-name": "", "new-scope-norm_hours": "8"},
        headers=HTMX,
    )
    assert response.status_code == 422
    html = _html(response)
    assert "<html" not in html
    block = _field_block(html, "new-scope-name")
    assert 'aria-invalid="true"' in block
    assert 'aria-describedby="new-scope-name-error"' in block
    assert _field_error(block, "new-scope-name") == "Wajib diisi."
    assert 'value="WBSM.01.04"' in html  # what was typed is kept
    assert _count(db_session, CatalogScope, CatalogScope.service_id == service.id) == before


def test_scope_with_duplicate_code_is_refused_beside_the_field(admin, db_session, draft):
    service = _service(db_session, draft, "WBSM.01")
    admin.get(f"/catalog/services/{service.id}/edit")
    response = admin.post(
        f"/catalog/services/{service.id}/scopes",
        {"new-scope-code": "WBSM.01.02", "new-scope-name": "Duplikat", "new-scope-norm_hours": "8"},
        headers=HTMX,
    )
    assert response.status_code == 422
    assert _field_error(_html(response), "new-scope-code") == (
        "Kode ruang lingkup sudah dipakai di layanan ini."
    )
    db_session.expire_all()
    assert [s.code for s in service.scopes] == ["WBSM.01.01", "WBSM.01.02", "WBSM.01.03"]


def test_scope_without_javascript_redirects_back_to_the_editor(admin, db_session, draft):
    service = _service(db_session, draft, "WBSM.01")
    admin.get(f"/catalog/services/{service.id}/edit")
    response = admin.post(
        f"/catalog/services/{service.id}/scopes",
        {"new-scope-code": "WBSM.01.04", "new-scope-name": "Tanpa JS", "new-scope-norm_hours": "8"},
    )
    assert response.status_code == 302
    assert response.headers["Location"].endswith(
        f"/catalog/services/{service.id}/edit#ruang-lingkup"
    )


def test_admin_edits_a_scope(admin, db_session, draft):
    service = _service(db_session, draft, "WBSM.01")
    scope = service.scopes[1]
    url = f"/catalog/scopes/{scope.id}/edit"
    editor = admin.htmx_get(url)
    assert editor.status_code == 200
    assert "<html" not in _html(editor)
    assert 'class="editing"' in _html(editor)
    response = admin.post(
        url,
        {
            f"scope-{scope.id}-code": scope.code,
            f"scope-{scope.id}-name": "Pengaduan disiplin ASN",
            f"scope-{scope.id}-norm_hours": "16",
        },
        headers=HTMX,
    )
    assert response.status_code == 200
    html = _html(response)
    assert "Pengaduan disiplin ASN" in html
    assert f"Ruang lingkup {scope.code} disimpan." in html
    db_session.expire_all()
    assert (scope.name, scope.norm_hours) == ("Pengaduan disiplin ASN", 16)


def test_scope_edit_error_stays_in_the_editor(admin, db_session, draft):
    service = _service(db_session, draft, "WBSM.01")
    scope = service.scopes[1]
    admin.get(f"/catalog/services/{service.id}/edit")
    response = admin.post(
        f"/catalog/scopes/{scope.id}/edit",
        {
            f"scope-{scope.id}-code": scope.code,
            f"scope-{scope.id}-name": "Ok",
            f"scope-{scope.id}-norm_hours": "5000",
        },
        headers=HTMX,
    )
    assert response.status_code == 422
    html = _html(response)
    assert 'class="editing"' in html
    assert "Antara 1 dan 2000 jam kerja, atau kosong." in html
    db_session.expire_all()
    assert scope.norm_hours == 24


def test_admin_deletes_a_scope_and_its_children(admin, db_session, draft):
    service = _service(db_session, draft, "ITSM.01.04")
    parent = next(s for s in service.top_scopes if s.children)
    gone = {parent.code} | {c.code for c in parent.children}
    before = len(service.scopes)
    admin.get(f"/catalog/services/{service.id}/edit")
    response = admin.post(f"/catalog/scopes/{parent.id}/delete", headers=HTMX)
    assert response.status_code == 200
    html = _html(response)
    assert f"Ruang lingkup {parent.code} dihapus." in html
    for code in gone:
        assert f"<code>{code}</code>" not in html
    db_session.expire_all()
    assert len(service.scopes) == before - len(gone)
    assert not gone & {s.code for s in service.scopes}


def test_activation_in_the_past_is_refused_beside_the_date(admin, db_session, draft, active):
    admin.get(f"/catalog/versions/{draft.id}")
    past = today_wib() - timedelta(days=1)
    response = admin.post(
        f"/catalog/versions/{draft.id}/activate", {"effective_from": past.isoformat()}
    )
    assert response.status_code == 422
    html = _html(response)
    block = _field_block(html, "effective_from")
    assert "Tanggal berlaku tidak boleh sebelum hari ini" in _field_error(block, "effective_from")
    assert f'value="{past.isoformat()}"' in block
    db_session.expire_all()
    assert draft.state is VersionState.DRAFT
    assert draft.effective_from is None
    assert active.state is VersionState.ACTIVE
    assert version_in_force(today_wib()).id == active.id


def test_activation_without_a_date_is_refused(admin, db_session, draft):
    admin.get(f"/catalog/versions/{draft.id}")
    response = admin.post(f"/catalog/versions/{draft.id}/activate", {"effective_from": ""})
    assert response.status_code == 422
    assert _field_error(_html(response), "effective_from") == "Tanggal berlaku wajib diisi."
    db_session.expire_all()
    assert draft.state is VersionState.DRAFT


def test_activation_in_the_future_is_scheduled(admin, db_session, draft, active):
    admin.get(f"/catalog/versions/{draft.id}")
    start = today_wib() + timedelta(days=30)
    response = admin.post(
        f"/catalog/versions/{draft.id}/activate", {"effective_from": start.isoformat()}
    )
    assert response.status_code == 302
    page = _html(admin.get(f"/catalog/versions/{draft.id}"))
    assert f"Versi 2099.0 diaktifkan, berlaku mulai {start:%d-%m-%Y}." in page
    assert "Aktifkan versi" not in page  # no longer editable
    listing = _html(admin.get("/catalog/versions"))
    assert re.search(r"<code>2099\.0</code>.*?badge-scheduled\">Terjadwal<", listing, flags=re.S)
    assert re.search(r"<code>2023\.1</code>.*?badge-active\">Berlaku<", listing, flags=re.S)
    # Until that day the catalog still shows 2023.1.
    catalog = _html(admin.get("/catalog"))
    assert "<strong>2023.1</strong>" in catalog
    db_session.expire_all()
    assert draft.state is VersionState.ACTIVE
    assert draft.effective_from == start
    assert active.state is VersionState.ACTIVE


def test_activation_today_puts_the_draft_in_force(admin, db_session, draft, active):
    admin.get(f"/catalog/versions/{draft.id}")
    response = admin.post(
        f"/catalog/versions/{draft.id}/activate", {"effective_from": today_wib().isoformat()}
    )
    assert response.status_code == 302
    listing = _html(admin.get("/catalog/versions"))
    assert re.search(r"<code>2099\.0</code>.*?badge-active\">Berlaku<", listing, flags=re.S)
    assert re.search(r"<code>2023\.1</code>.*?badge-retired\">Tidak berlaku<", listing, flags=re.S)
    assert "<strong>2099.0</strong>" in _html(admin.get("/catalog"))


def test_admin_deletes_a_draft(admin, db_session, draft):
    draft_id = draft.id
    admin.get(f"/catalog/versions/{draft_id}")
    response = admin.post(f"/catalog/versions/{draft_id}/delete")
    assert response.status_code == 302
    assert "Draf versi 2099.0 dihapus." in _html(admin.get("/catalog/versions"))
    db_session.expire_all()
    assert db_session.get(CatalogVersion, draft_id) is None


@pytest.mark.parametrize("target", ["active", "old"])
def test_editing_routes_refuse_non_draft_versions_for_admin(admin, db_session, active, old, target):
    version = active if target == "active" else old
    service = _service(db_session, version, "WBSM.01")
    admin.get(f"/catalog/versions/{version.id}")
    before = (service.name, service.norm_hours, len(service.scopes))
    assert admin.get(f"/catalog/services/{service.id}/edit").status_code == 403
    assert (
        admin.post(
            f"/catalog/services/{service.id}/edit",
            {"code": "WBSM.01", "name": "Diubah", "norm_hours": "1", "access": ["1"]},
        ).status_code
        == 403
    )
    assert (
        admin.post(f"/catalog/services/{service.id}/scopes", {"code": "X", "name": "X"}).status_code
        == 403
    )
    assert admin.post(f"/catalog/scopes/{service.scopes[0].id}/delete").status_code == 403
    assert (
        admin.post(
            f"/catalog/versions/{version.id}/activate",
            {"effective_from": (today_wib() + timedelta(days=1)).isoformat()},
        ).status_code
        == 403
    )
    db_session.expire_all()
    assert (service.name, service.norm_hours, len(service.scopes)) == before


# --- non-administrators ------------------------------------------------------------------


@pytest.mark.parametrize(
    "role",
    [Role.PENGGUNA, Role.AGEN_L1, Role.KOORDINATOR, Role.MANAJER_LAYANAN],
    ids=lambda r: r.value,
)
def test_non_admin_posts_with_valid_forms_are_forbidden(
    role, make_user, login_as, db_session, draft, active
):
    browser = login_as(make_user(role))
    browser.get("/catalog")
    service = _service(db_session, draft, "WBSM.01")
    scope = service.scopes[0]
    tomorrow = (today_wib() + timedelta(days=1)).isoformat()
    posts = {
        f"/catalog/versions/{active.id}/draft": {"code": "2099.9", "title": "Tidak boleh"},
        f"/catalog/versions/{draft.id}/info": {"title": "Diubah", "notes": ""},
        f"/catalog/versions/{draft.id}/activate": {"effective_from": tomorrow},
        f"/catalog/versions/{draft.id}/services/new": {"code": "NEW.01", "name": "Baru"},
        f"/catalog/services/{service.id}/edit": {
            "code": "WBSM.01",
            "name": "Diubah",
            "norm_hours": "1",
            "access": ["1"],
        },
        f"/catalog/services/{service.id}/scopes": {
            "new-scope-code": "WBSM.01.09",
            "new-scope-name": "Baru",
        },
        f"/catalog/scopes/{scope.id}/edit": {
            f"scope-{scope.id}-code": scope.code,
            f"scope-{scope.id}-name": "Diubah",
        },
        f"/catalog/scopes/{scope.id}/delete": {},
        f"/catalog/services/{service.id}/delete": {},
        f"/catalog/versions/{draft.id}/delete": {},
    }
    for url, data in posts.items():
        assert browser.post(url, data).status_code == 403, url
        assert browser.post(url, data, headers=HTMX).status_code == 403, url
    db_session.expire_all()
    assert _version(db_session, "2099.9") is None
    assert draft.state is VersionState.DRAFT
    assert draft.title == "Draf revisi uji"
    assert (service.name, len(service.scopes), scope.name) == (
        "Layanan Pengaduan",
        3,
        "Pengaduan kode etik",
    )


# --- regressions ----------------------------------------------------------------------


def test_changing_norm_hours_changes_the_norm_users_see(admin, db_session, draft):
    service = _service(db_session, draft, "BMSM.01")
    url = f"/catalog/services/{service.id}/edit"
    form = _html(admin.get(url))
    assert 'value="8 jam kerja"' in _field_block(form, "norm_text")
    response = admin.post(
        url,
        {  # exactly what the browser sends: the prefilled form with only the hours changed
            "code": "BMSM.01",
            "name": service.name,
            "definition": service.definition,
            "audience": service.audience,
            "responsible_unit_name": service.responsible_unit_name,
            "responsible_unit_id": str(service.responsible_unit_id or ""),
            "norm_hours": "4",
            "norm_text": "8 jam kerja",
            "access": ["8", "9"],
        },
    )
    assert response.status_code == 302
    db_session.expire_all()
    assert service.norm_hours == 4
    detail = _html(admin.get(f"/catalog/services/{service.id}"))
    shown = re.search(r"<dt>Norma waktu</dt><dd>([^<]*)</dd>", detail).group(1)
    assert shown == "4 jam kerja"


def test_a_draft_cannot_be_the_source_of_another_draft(admin, db_session, draft):
    admin.get(f"/catalog/versions/{draft.id}")
    refused = admin.post(
        f"/catalog/versions/{draft.id}/draft", {"code": "2099.1", "title": "Dari draf"}
    )
    assert refused.status_code == 422
    assert "Draf hanya dapat dibuat dari versi yang sudah aktif" in refused.get_data(as_text=True)
    response = admin.post(f"/catalog/versions/{draft.id}/delete")
    assert response.status_code == 302
