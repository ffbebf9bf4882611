"""The home page: per role, what the regulation asks of it and what HAI offers."""

from __future__ import annotations

from flask import Blueprint, redirect, render_template, url_for
from flask_login import current_user

from hai.auth.permissions import login_only, public
from hai.home.duties import ROLE_DUTIES

bp = Blueprint("home", __name__)


@bp.route("/")
@public
def root():
    if current_user.is_authenticated:
        return redirect(url_for("home.index"))
    return redirect(url_for("auth.login"))


@bp.route("/home")
@login_only
def index():
    duties = [(role, ROLE_DUTIES[role]) for role in current_user.sorted_roles()]
    return render_template("home/index.html", duties=duties)
