"""Administrators issue and revoke the API tokens of integrations."""

from __future__ import annotations

from flask import Blueprint, flash, redirect, render_template, url_for
from flask_login import current_user
from sqlalchemy import func, select
from wtforms import IntegerField, StringField
from wtforms.validators import DataRequired, InputRequired, Length, NumberRange

from hai.api.models import ApiCall, ApiToken
from hai.api.tokens import issue_token, revoke_token
from hai.auth.permissions import Capability, requires
from hai.db_types import utcnow
from hai.extensions import db
from hai.web.forms import HaiForm, submit
from hai.web.requestinfo import client_ip

bp = Blueprint("api_admin", __name__, url_prefix="/admin/api-tokens")


class TokenForm(HaiForm):
    name = StringField(
        "Nama integrasi",
        validators=[DataRequired("Nama integrasi wajib diisi."), Length(max=100)],
        description="Mis. WhatsApp HAI-DJPb, HAI CSO (OM SPAN).",
    )
    rate_per_minute = IntegerField(
        "Batas panggilan per menit",
        default=120,
        validators=[
            InputRequired("Batas panggilan wajib diisi."),
            NumberRange(1, 10_000, "Batas panggilan harus 1 sampai 10.000."),
        ],
    )


def _page(form: TokenForm, new_secret: str | None = None, status: int = 200):
    tokens = list(db.session.scalars(select(ApiToken).order_by(ApiToken.id.desc())))
    calls = dict(
        db.session.execute(select(ApiCall.token_id, func.count()).group_by(ApiCall.token_id)).all()
    )
    return (
        render_template(
            "api/tokens.html", form=form, tokens=tokens, calls=calls, new_secret=new_secret
        ),
        status,
    )


@bp.route("", methods=["GET", "POST"])
@requires(Capability.API_TOKENS)
def tokens():
    form = TokenForm()
    if form.validate_on_submit():
        ok, issued = submit(
            form,
            lambda: issue_token(
                form.name.data,
                now=utcnow(),
                actor=current_user,
                rate_per_minute=form.rate_per_minute.data,
            ),
        )
        if ok:
            token, secret = issued
            flash(
                f"Token untuk {token.name} diterbitkan. Salin sekarang: token ini tidak "
                "ditampilkan lagi.",
                "success",
            )
            # Shown once, in this response only (never stored, never in a redirect URL).
            return _page(TokenForm(formdata=None), new_secret=secret)
    return _page(form, status=422 if form.is_submitted() else 200)


@bp.route("/<int:token_id>/revoke", methods=["POST"])
@requires(Capability.API_TOKENS)
def revoke(token_id: int):
    token = db.get_or_404(ApiToken, token_id)
    ok, _ = submit(
        HaiForm(formdata=None),
        lambda: revoke_token(token, now=utcnow(), actor=current_user, ip=client_ip()),
    )
    if ok:
        flash(f"Token {token.prefix}… ({token.name}) dicabut.", "success")
    return redirect(url_for("api_admin.tokens"))
