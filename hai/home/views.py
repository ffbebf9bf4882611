"""The home page: per role, what the regulation asks of it and what HAI offers."""

from __future__ import annotations

from flask import Blueprint, redirect, render_template, url_for
from flask_login import current_user

from hai.auth.permissions import Capability, login_only, public
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
    my_tickets, awaiting = [], None
    if current_user.can(Capability.PORTAL_USE):
        # A requester's home: their latest requests and what each waits for.
        from hai.portal.services import awaiting_me
        from hai.portal.services import my_tickets as own_tickets

        my_tickets = own_tickets(current_user, 1)[0][:5]
        awaiting = awaiting_me
    return render_template(
        "home/index.html", duties=duties, my_tickets=my_tickets, awaiting=awaiting
    )
