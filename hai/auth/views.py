"""Login, logout, one's own account, and the administrators' user pages."""

from __future__ import annotations

from flask import (
    Blueprint,
    abort,
    current_app,
    flash,
    redirect,
    render_template,
    request,
    session,
    url_for,
)
from flask_login import current_user, login_user, logout_user
from sqlalchemy import func, or_, select

from hai.auth import resets, services
from hai.auth.forms import (
    ForgotPasswordForm,
    LoginForm,
    NewPasswordForm,
    PasswordChangeForm,
    ResetPasswordForm,
    UserFilterForm,
    UserForm,
)
from hai.auth.models import User, UserRole
from hai.auth.permissions import Capability, login_only, public, requires
from hai.auth.roles import Role
from hai.auth.sessions import active_sessions
from hai.auth.throttle import ThrottlePolicy
from hai.db_types import utcnow
from hai.extensions import db
from hai.org.queries import unit_choices
from hai.web.forms import attach_error, submit
from hai.web.requestinfo import client_ip, user_agent

bp = Blueprint("auth", __name__)

LOGIN_MESSAGES = {
    services.LoginOutcome.BAD_CREDENTIALS: "Email atau kata sandi salah.",
    services.LoginOutcome.THROTTLED: (
        "Terlalu banyak percobaan masuk yang gagal. Tunggu 15 menit lalu coba lagi."
    ),
    services.LoginOutcome.DISABLED: "Akun Anda tidak aktif. Hubungi administrator.",
    services.LoginOutcome.DEMO_REFUSED: "Akun demo tidak dapat dipakai di lingkungan produksi.",
    services.LoginOutcome.UNVERIFIED: (
        "Akun belum diaktifkan — buka tautan aktivasi di email Anda."
    ),
}


def _policy() -> ThrottlePolicy:
    cfg = current_app.config
    return ThrottlePolicy(
        max_per_account=cfg["LOGIN_MAX_FAILURES_PER_ACCOUNT"],
        max_per_address=cfg["LOGIN_MAX_FAILURES_PER_ADDRESS"],
        window=cfg["LOGIN_THROTTLE_WINDOW"],
    )


def _safe_next(target: str | None) -> str:
    # Only local paths: never an open redirect to another host.
    if target and target.startswith("/") and not target.startswith("//") and "\\" not in target:
        return target
    return url_for("home.index")


@bp.route("/login", methods=["GET", "POST"])
@public
def login():
    if current_user.is_authenticated:
        return redirect(url_for("home.index"))
    form = LoginForm()
    status = 200
    if form.validate_on_submit():
        result = services.authenticate(
            form.email.data,
            form.password.data,
            now=utcnow(),
            ip=client_ip(),
            user_agent=user_agent(),
            policy=_policy(),
            allow_demo=current_app.config["ALLOW_DEMO_USERS"],
        )
        db.session.commit()
        if result.outcome is services.LoginOutcome.OK:
            session.clear()  # a fresh session on login (no fixation)
            session["sid"] = result.token
            login_user(result.user)
            return redirect(_safe_next(request.args.get("next")))
        form.form_errors.append(LOGIN_MESSAGES[result.outcome])
        status = 429 if result.outcome is services.LoginOutcome.THROTTLED else 401
    elif request.method == "POST":
        status = 422
    return render_template("auth/login.html", form=form), status


@bp.route("/logout", methods=["POST"])
@login_only
def logout():
    services.logout(current_user, session.get("sid"), now=utcnow(), ip=client_ip())
    db.session.commit()
    logout_user()
    session.clear()
    flash("Anda telah keluar.", "info")
    return redirect(url_for("auth.login"))


@bp.route("/account", methods=["GET"])
@login_only
def account():
    return render_template(
        "auth/account.html",
        form=PasswordChangeForm(),
        sessions=active_sessions(current_user),
    )


@bp.route("/account/password", methods=["POST"])
@login_only
def change_password():
    form = PasswordChangeForm()
    if form.validate_on_submit():
        try:
            services.change_password(
                current_user,
                current=form.current_password.data,
                new=form.new_password.data,
                now=utcnow(),
                ip=client_ip(),
            )
        except services.AccountError as exc:
            db.session.commit()  # keep the audit row of a failed attempt
            attach_error(form, exc.message, exc.field)
        else:
            db.session.commit()
            logout_user()
            session.clear()
            flash(
                "Kata sandi telah diganti. Semua sesi diakhiri; silakan masuk kembali.", "success"
            )
            return redirect(url_for("auth.login"))
    return (
        render_template("auth/account.html", form=form, sessions=active_sessions(current_user)),
        422,
    )


# --- "Lupa kata sandi": a reset link by email ------------------------------------

RESET_REQUESTED = (
    "Jika alamat itu terdaftar pada akun yang aktif, tautan untuk mengatur ulang kata sandi "
    "telah dikirim. Periksa kotak masuk (dan folder spam) Anda."
)


def _reset_policy() -> resets.ResetPolicy:
    cfg = current_app.config
    return resets.ResetPolicy(
        lifetime=cfg["PASSWORD_RESET_LIFETIME"],
        max_per_account=cfg["PASSWORD_RESET_PER_ACCOUNT_PER_HOUR"],
        max_per_address=cfg["PASSWORD_RESET_PER_ADDRESS_PER_HOUR"],
        allow_demo=cfg["ALLOW_DEMO_USERS"],
    )


@bp.route("/lupa-sandi", methods=["GET", "POST"])
@public
def forgot_password():
    form = ForgotPasswordForm()
    status = 200
    if form.validate_on_submit():
        from hai.surveys.jobs import public_url  # the configured address, never the Host header

        now, policy = utcnow(), _reset_policy()
        try:
            issued = resets.request_reset(form.email.data, now=now, ip=client_ip(), policy=policy)
        except resets.ResetThrottled as exc:
            db.session.commit()  # keep the audit row of the refusal
            form.form_errors.append(exc.message)
            return render_template("auth/forgot_password.html", form=form), 429
        if issued is not None:
            user, token = issued
            resets.send_reset_email(
                user,
                link=public_url("auth.reset_password", token=token),
                minutes=int(policy.lifetime.total_seconds() // 60),
                now=now,
            )
        db.session.commit()
        # The same answer whether or not the address has an account.
        flash(RESET_REQUESTED, "info")
        return redirect(url_for("auth.login"))
    if request.method == "POST":
        status = 422
    return render_template("auth/forgot_password.html", form=form), status


@bp.route("/lupa-sandi/<token>", methods=["GET", "POST"])
@public
def reset_password(token: str):
    """Opening the link (a GET, as mail scanners do) only shows the form; the POST spends it."""
    now = utcnow()
    try:
        link = resets.link_for(token, now=now)
    except resets.ResetError as exc:
        if request.method == "POST":
            resets.record_refusal(now=now, ip=client_ip())
            db.session.commit()
        return render_template("auth/reset_password.html", error=exc.message, form=None), 400
    form = NewPasswordForm()
    if form.validate_on_submit():
        ok, user = submit(
            form,
            lambda: resets.complete_reset(token, form.password.data, now=now, ip=client_ip()),
        )
        if ok:
            logout_user()
            session.clear()
            flash("Kata sandi baru telah disimpan. Semua sesi diakhiri; silakan masuk.", "success")
            return redirect(url_for("auth.login"))
    status = 422 if request.method == "POST" else 200
    return render_template(
        "auth/reset_password.html", form=form, email=link.user.email, error=None
    ), status


# --- administrators' user pages ------------------------------------------------


@bp.route("/admin/roles")
@requires(Capability.USER_MANAGE)
def roles():
    """The role × capability table (fixed in code) and how many active users hold each role."""
    from hai.auth.permissions import CAPABILITY_LABELS, ROLE_CAPABILITIES

    counts = dict(
        db.session.execute(
            select(UserRole.role, func.count())
            .join(User)
            .where(User.is_active.is_(True))
            .group_by(UserRole.role)
        ).all()
    )
    return render_template(
        "auth/roles.html",
        roles=list(Role),
        capabilities=list(Capability),
        labels=CAPABILITY_LABELS,
        matrix=ROLE_CAPABILITIES,
        counts=counts,
    )


PAGE_SIZE = 25


@bp.route("/admin/users")
@requires(Capability.USER_MANAGE)
def users():
    form = UserFilterForm(request.args)
    query = select(User).order_by(User.name)
    if form.q.data:
        like = f"%{form.q.data.strip()}%"
        query = query.where(or_(User.name.ilike(like), User.email.ilike(like)))
    if form.role.data:
        try:
            role = Role(form.role.data)
        except ValueError:
            abort(400)
        query = query.where(User.id.in_(select(UserRole.user_id).where(UserRole.role == role)))
    total = db.session.scalar(select(func.count()).select_from(query.subquery()))
    page = form.page.data or 1
    rows = list(db.session.scalars(query.limit(PAGE_SIZE).offset((page - 1) * PAGE_SIZE)))
    context = dict(form=form, users=rows, total=total, page=page, page_size=PAGE_SIZE)
    from hai.web.htmx import is_htmx

    template = "auth/_user_rows.html" if is_htmx() else "auth/users.html"
    return render_template(template, **context)


def _user_form(user: User | None = None, *, fill: bool | None = None) -> UserForm:
    """The user form; filled from ``user`` on GET (or when ``fill`` says so).

    Editing has no email field: the address is the login and is shown, not edited.
    """
    form = UserForm(unit_choices=unit_choices(keep=user.unit_id if user else None))
    if user is not None:
        del form.email
        del form.password  # set through "Tetapkan kata sandi baru"
    if fill is None:
        fill = request.method == "GET"
    if user is not None and fill:
        form.name.data = user.name
        form.position.data = user.position
        form.phone.data = user.phone
        form.unit_id.data = str(user.unit_id or "")
        form.user_type.data = str(user.user_type or "")
        form.roles.data = [r.value for r in user.roles]
        form.is_active.data = user.is_active
        form.version.data = str(user.version)
    return form


@bp.route("/admin/users/new", methods=["GET", "POST"])
@requires(Capability.USER_MANAGE)
def user_new():
    form = _user_form()
    if form.validate_on_submit():
        ok, user = submit(
            form,
            lambda: services.create_user(
                email=form.email.data,
                name=form.name.data,
                password=form.password.data,
                roles=form.selected_roles,
                unit_id=form.selected_unit_id,
                user_type=form.selected_user_type,
                phone=form.phone.data or "",
                position=form.position.data or "",
                now=utcnow(),
                actor=current_user,
                ip=client_ip(),
            ),
        )
        if ok:
            flash(f"Pengguna {user.email} telah dibuat.", "success")
            return redirect(url_for("auth.user_edit", user_id=user.id))
    status = 422 if request.method == "POST" else 200
    return render_template("auth/user_form.html", form=form, user=None), status


@bp.route("/admin/users/<int:user_id>", methods=["GET", "POST"])
@requires(Capability.USER_MANAGE)
def user_edit(user_id: int):
    user = db.get_or_404(User, user_id)
    form = _user_form(user)
    if form.validate_on_submit():
        if form.version.data != str(user.version):
            form.form_errors.append(
                "Data pengguna ini telah diubah oleh orang lain sejak Anda membukanya. "
                "Muat ulang halaman untuk melihat perubahan terbaru."
            )
            return render_template(
                "auth/user_form.html",
                form=form,
                user=user,
                reset_form=ResetPasswordForm(),
                sessions=active_sessions(user),
            ), 409
        ok, _ = submit(
            form,
            lambda: services.update_user(
                user,
                name=form.name.data,
                roles=form.selected_roles,
                unit_id=form.selected_unit_id,
                user_type=form.selected_user_type,
                phone=form.phone.data or "",
                position=form.position.data or "",
                is_active=form.is_active.data,
                now=utcnow(),
                actor=current_user,
                ip=client_ip(),
            ),
        )
        if ok:
            flash("Perubahan disimpan.", "success")
            return redirect(url_for("auth.user_edit", user_id=user.id))
    status = 422 if request.method == "POST" else 200
    return render_template(
        "auth/user_form.html",
        form=form,
        user=user,
        reset_form=ResetPasswordForm(),
        sessions=active_sessions(user),
    ), status


@bp.route("/admin/users/<int:user_id>/password", methods=["POST"])
@requires(Capability.USER_MANAGE)
def user_reset_password(user_id: int):
    user = db.get_or_404(User, user_id)
    reset_form = ResetPasswordForm()
    if reset_form.validate_on_submit():
        ok, _ = submit(
            reset_form,
            lambda: services.reset_password(
                user, new=reset_form.password.data, now=utcnow(), actor=current_user, ip=client_ip()
            ),
        )
        if ok:
            flash("Kata sandi baru telah ditetapkan; sesi pengguna diakhiri.", "success")
            return redirect(url_for("auth.user_edit", user_id=user.id))
    form = _user_form(user, fill=True)
    return render_template(
        "auth/user_form.html",
        form=form,
        user=user,
        reset_form=reset_form,
        sessions=active_sessions(user),
    ), 422
