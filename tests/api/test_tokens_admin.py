"""Administrators issue and revoke tokens; the token is shown once and only its hash kept."""

from __future__ import annotations

import re

from sqlalchemy import select

from hai.api.models import ApiToken
from hai.audit.models import AuditEvent
from hai.auth.roles import Role


def test_admin_issues_a_token_sees_it_once_and_revokes_it(app, db_session, make_user, login_as):
    admin = login_as(make_user(Role.ADMIN))
    page = admin.post("/admin/api-tokens", {"name": "WhatsApp HAI-DJPb", "rate_per_minute": "60"})
    html = page.get_data(as_text=True)
    assert page.status_code == 200
    secret = re.search(r'<code id="new-token">(hai_[^<]+)</code>', html).group(1)
    token = db_session.scalar(select(ApiToken).where(ApiToken.name == "WhatsApp HAI-DJPb"))
    assert token.token_hash != secret and secret not in token.token_hash
    assert token.rate_per_minute == 60
    # The next visit does not show it again.
    assert secret not in admin.get("/admin/api-tokens").get_data(as_text=True)
    auth = {"Authorization": f"Bearer {secret}"}
    assert app.test_client().get("/api/v1/catalog", headers=auth).status_code == 200
    response = admin.post(f"/admin/api-tokens/{token.id}/revoke", {})
    assert response.status_code == 302
    assert app.test_client().get("/api/v1/catalog", headers=auth).status_code == 401
    actions = set(db_session.scalars(select(AuditEvent.action)))
    assert {"api.token_issued", "api.token_revoked"} <= actions


def test_a_token_without_a_name_is_refused_beside_the_field(make_user, login_as, db_session):
    admin = login_as(make_user(Role.ADMIN))
    page = admin.post("/admin/api-tokens", {"name": "", "rate_per_minute": "0"})
    html = page.get_data(as_text=True)
    assert page.status_code == 422
    assert "Nama integrasi wajib diisi." in html and "1 sampai 10.000" in html
    assert db_session.scalar(select(ApiToken)) is None


def test_cli_create_token(app, db_session):
    result = app.test_cli_runner().invoke(args=["hai", "create-token", "--name", "HAI CSO"])
    assert result.exit_code == 0, result.output
    secret = result.output.strip().splitlines()[-1]
    assert secret.startswith("hai_")
    auth = {"Authorization": f"Bearer {secret}"}
    assert app.test_client().get("/api/v1/catalog", headers=auth).status_code == 200
    refused = app.test_cli_runner().invoke(args=["hai", "create-token", "--name", " "])
    assert refused.exit_code == 2 and "Nama integrasi" in refused.output
