"""HAIPEDIA pages: the staff's knowledge base (search, propose, review, revisions), the
public help centre (no login, "was this helpful"), and the portal's article reader that
records ticket deflection."""

from __future__ import annotations

import secrets

from flask import Blueprint, abort, flash, redirect, render_template, request, session, url_for
from flask_login import current_user
from sqlalchemy import select
from sqlalchemy.orm.exc import StaleDataError

from hai.auth.models import User, UserRole
from hai.auth.permissions import Capability, public, requires
from hai.auth.roles import STAFF_ROLES
from hai.db_types import utcnow
from hai.extensions import db
from hai.haipedia import policy, queries, services
from hai.haipedia.forms import ArticleForm, ConfirmForm, TextForm
from hai.haipedia.models import Article, ArticleKind, ArticleRead, ArticleStatus, Audience
from hai.haipedia.render import to_html
from hai.haipedia.search import search
from hai.web.forms import submit
from hai.web.htmx import is_htmx
from hai.web.timefmt import today_wib

bp = Blueprint("haipedia", __name__)

READS_KEY = "haipedia_reads"  # portal reads of this session not yet followed by a request
VOTER_KEY = "haipedia_voter"
STALE = "Artikel ini telah diubah oleh petugas lain sejak Anda membukanya. Muat ulang halaman."


def _audience_filter(raw: str, allowed: set[Audience]) -> set[Audience]:
    chosen = {a for a in Audience if a.value == raw}
    return chosen & allowed if chosen else allowed


# --- staff ---------------------------------------------------------------------------------


@bp.route("/haipedia/articles")
@requires(Capability.KB_VIEW)
def index():
    q = request.args.get("q", "").strip()[:200]
    service = request.args.get("service", "").strip()[:32]
    audience = request.args.get("audience", "")
    tab = request.args.get("tab", "published")
    tab = tab if tab in queries.TABS else "published"
    results = None
    if q:
        results = search(
            db.session,
            q,
            audiences=_audience_filter(audience, policy.audiences_for(current_user)),
            service_code=service,
            typing=is_htmx(),
            limit=20,
        )
        if is_htmx():
            return render_template(
                "haipedia/_results.html", results=results, link="haipedia.detail"
            )
    all_owners = current_user.can(Capability.KB_PUBLISH)
    today = today_wib()
    rows = list(
        db.session.scalars(
            queries.tab_query(tab, current_user, today, all_owners=all_owners).limit(
                queries.PAGE_SIZE
            )
        )
    )
    return render_template(
        "haipedia/index.html",
        q=q,
        service=service,
        audience=audience,
        audiences=list(Audience),
        results=results,
        tab=tab,
        tabs=queries.TABS,
        counts=queries.tab_counts(current_user, today, all_owners=all_owners),
        rows=rows,
        useful=queries.usefulness([a.id for a in rows]),
        today=today,
    )


def _owners() -> list[tuple[int, str]]:
    return [
        (u.id, u.name)
        for u in db.session.scalars(
            select(User)
            .join(UserRole)
            .where(UserRole.role.in_(STAFF_ROLES), User.is_active.is_(True))
            .distinct()
            .order_by(User.name)
        )
    ]


def _form(**kwargs) -> ArticleForm:
    owners = _owners() if current_user.can(Capability.KB_PUBLISH) else []
    return ArticleForm(owners=owners, **kwargs)


def _data(form: ArticleForm) -> services.ArticleData:
    owner = form.owner_id.data if current_user.can(Capability.KB_PUBLISH) else ""
    return services.ArticleData(
        title=form.title.data or "",
        body=form.body.data or "",
        kind=ArticleKind(form.kind.data),
        audience=Audience(form.audience.data),
        service_code=form.service_code.data or "",
        scope_code=form.scope_code.data or "",
        tags=services.parse_tags(form.tags.data or ""),
        reg_number=form.reg_number.data or "",
        reg_title=form.reg_title.data or "",
        reg_article=form.reg_article.data or "",
        review_by=form.review_by.data,
        owner_id=int(owner) if owner and str(owner).isdigit() else None,
        note=form.note.data or "",
    )


@bp.route("/haipedia/articles/new", methods=["GET", "POST"])
@requires(Capability.KB_PROPOSE)
def new():
    form = _form(data={"kind": request.args.get("kind", "article"), "audience": "public"})
    if form.validate_on_submit():
        ok, article = submit(
            form, lambda: services.create_article(_data(form), actor=current_user, now=utcnow())
        )
        if ok:
            flash("Draf artikel disimpan. Ajukan untuk ditinjau bila sudah siap.", "success")
            return redirect(url_for("haipedia.detail", article_id=article.id))
    status = 422 if request.method == "POST" else 200
    return render_template("haipedia/form.html", form=form, article=None), status


def _action_forms(article: Article) -> dict:
    rv = {"row_version": str(article.row_version)}
    return {
        name: TextForm(formdata=None, data=rv, prefix=name)
        for name in ("submit", "publish", "return", "archive", "unarchive", "restore")
    }


@bp.route("/haipedia/articles/<int:article_id>")
@requires(Capability.KB_VIEW)
def detail(article_id: int):
    article = policy.get_article_or_404(article_id)
    return render_template(
        "haipedia/detail.html",
        article=article,
        body_html=to_html(article.body),
        live_differs=article.live_revision_id is not None
        and article.live_revision_id != article.current.id,
        usage=queries.usage_of(article),
        forms=_action_forms(article),
        can_propose=current_user.can(Capability.KB_PROPOSE),
        can_publish=current_user.can(Capability.KB_PUBLISH),
        today=today_wib(),
    )


@bp.route("/haipedia/articles/<int:article_id>/edit", methods=["GET", "POST"])
@requires(Capability.KB_PROPOSE)
def edit(article_id: int):
    article = policy.get_article_or_404(article_id)
    form = _form(
        data={
            "title": article.title,
            "kind": article.kind.value,
            "audience": article.audience.value,
            "body": article.body,
            "service_code": article.service_code,
            "scope_code": article.scope_code,
            "tags": ", ".join(article.tags or []),
            "reg_number": article.reg_number,
            "reg_title": article.reg_title,
            "reg_article": article.reg_article,
            "review_by": article.review_by,
            "owner_id": "",
            "row_version": str(article.row_version),
        }
        if request.method == "GET"
        else None
    )
    if form.validate_on_submit():
        if form.row_version.data != str(article.row_version):
            form.form_errors.append(STALE)
            return render_template("haipedia/form.html", form=form, article=article), 409
        try:
            ok, _ = submit(
                form,
                lambda: services.edit_article(
                    article, _data(form), actor=current_user, now=utcnow()
                ),
            )
        except StaleDataError:
            db.session.rollback()
            form.form_errors.append(STALE)
            return render_template("haipedia/form.html", form=form, article=article), 409
        if ok:
            flash("Perubahan disimpan sebagai revisi baru.", "success")
            return redirect(url_for("haipedia.detail", article_id=article.id))
    status = 422 if request.method == "POST" else 200
    return render_template("haipedia/form.html", form=form, article=article), status


@bp.route("/haipedia/articles/<int:article_id>/revisions/<int:number>")
@requires(Capability.KB_VIEW)
def revision(article_id: int, number: int):
    article = policy.get_article_or_404(article_id)
    rev = queries.revision(article, number)
    if rev is None:
        abort(404)
    try:
        against = int(request.args.get("against", number - 1))
    except ValueError:
        abort(400)
    old = queries.revision(article, against) if against != number else None
    return render_template(
        "haipedia/revision.html",
        article=article,
        rev=rev,
        old=old,
        lines=queries.diff(old, rev),
        forms=_action_forms(article),
        can_propose=current_user.can(Capability.KB_PROPOSE),
    )


ACTIONS = {"submit", "publish", "return", "archive", "unarchive", "restore"}
DONE = {
    "submit": "Artikel diajukan untuk ditinjau.",
    "publish": "Artikel diterbitkan.",
    "return": "Artikel dikembalikan kepada penulis.",
    "archive": "Artikel diarsipkan.",
    "unarchive": "Artikel dibuka kembali sebagai draf.",
    "restore": "Revisi dipulihkan sebagai revisi baru.",
}


def _do(action: str, article: Article, form: TextForm, now):
    note = form.body.data or ""
    if action == "submit":
        return services.submit_for_review(article, actor=current_user, now=now)
    if action == "publish":
        return services.publish(article, actor=current_user, now=now)
    if action == "return":
        return services.return_to_author(article, note, actor=current_user, now=now)
    if action == "archive":
        return services.archive(article, note, actor=current_user, now=now)
    if action == "unarchive":
        return services.unarchive(article, actor=current_user, now=now)
    raw = form.revision.data or ""
    rev = queries.revision(article, int(raw)) if raw.isdigit() else None
    if rev is None:
        raise services.ArticleError("Pilih revisi yang akan dipulihkan.")
    return services.restore_revision(article, rev, actor=current_user, now=now)


@bp.route("/haipedia/articles/<int:article_id>/act/<action>", methods=["POST"])
@requires(Capability.KB_PROPOSE)
def act(article_id: int, action: str):
    if action not in ACTIONS:
        abort(404)
    article = policy.get_article_or_404(article_id)
    form = TextForm(prefix=action)
    if not form.validate_on_submit():
        flash("Permintaan tidak valid; muat ulang halaman dan coba lagi.", "error")
        return redirect(url_for("haipedia.detail", article_id=article.id))
    if form.row_version.data != str(article.row_version):
        flash(STALE, "error")
        return redirect(url_for("haipedia.detail", article_id=article.id))
    try:
        ok, _ = submit(form, lambda: _do(action, article, form, utcnow()))
    except StaleDataError:
        db.session.rollback()
        flash(STALE, "error")
        return redirect(url_for("haipedia.detail", article_id=article.id))
    if ok:
        flash(DONE[action], "success")
    else:
        for error in form.body.errors:
            flash(error, "error")
    return redirect(url_for("haipedia.detail", article_id=article.id))


# --- public help centre -------------------------------------------------------------------


@bp.route("/haipedia")
@public
def public_index():
    q = request.args.get("q", "").strip()[:200]
    results = (
        search(db.session, q, audiences={Audience.PUBLIC}, typing=is_htmx(), limit=10)
        if q
        else None
    )
    if is_htmx():
        return render_template(
            "haipedia/_results.html", results=results, link="haipedia.public_detail"
        )
    latest = list(
        db.session.scalars(
            select(Article)
            .where(
                Article.status == ArticleStatus.PUBLISHED,
                Article.live_revision_id.is_not(None),
                Article.audience == Audience.PUBLIC,
            )
            .order_by(Article.published_at.desc(), Article.id.desc())
            .limit(20)
        )
    )
    # The working copy's audience can differ from the live one: check the live revision.
    latest = [a for a in latest if a.is_public][:10]
    return render_template("haipedia/public_index.html", q=q, results=results, latest=latest)


def _voter() -> str:
    if VOTER_KEY not in session:
        session[VOTER_KEY] = secrets.token_hex(16)
    return session[VOTER_KEY]


def _voted(article: Article) -> bool:
    from hai.haipedia.models import ArticleVote

    voter = session.get(VOTER_KEY)
    return bool(voter) and (
        db.session.scalar(
            select(ArticleVote.id).where(
                ArticleVote.article_id == article.id, ArticleVote.voter == voter
            )
        )
        is not None
    )


@bp.route("/haipedia/<int:article_id>")
@public
def public_detail(article_id: int):
    article = policy.get_public_article_or_404(article_id)
    live = article.live_revision
    return render_template(
        "haipedia/public_detail.html",
        article=article,
        live=live,
        body_html=to_html(live.body),
        vote_form=ConfirmForm(formdata=None),
        voted=_voted(article),
    )


@bp.route("/haipedia/<int:article_id>/vote", methods=["POST"])
@public
def vote(article_id: int):
    article = policy.get_public_article_or_404(article_id)
    form = ConfirmForm()
    if not form.validate_on_submit() or form.value.data not in ("yes", "no"):
        abort(400)
    ok, _ = submit(
        form,
        lambda: services.vote(article, _voter(), form.value.data == "yes", now=utcnow()),
    )
    if is_htmx():
        return render_template(
            "haipedia/_vote.html", article=article, voted=True, vote_form=ConfirmForm(formdata=None)
        )
    flash("Terima kasih atas penilaian Anda.", "success")
    return redirect(url_for("haipedia.public_detail", article_id=article.id))


# --- portal: reading a suggested article (deflection) --------------------------------------


@bp.route("/portal/artikel/<int:article_id>")
@requires(Capability.PORTAL_USE)
def portal_read(article_id: int):
    """A suggested public article; the page records the read by a POST (GET changes
    nothing), so that ticket deflection can be counted."""
    article = policy.get_public_article_or_404(article_id)
    live = article.live_revision
    return render_template(
        "haipedia/portal_read.html",
        article=article,
        live=live,
        body_html=to_html(live.body),
        q=request.args.get("q", "").strip()[:200],
        form=ConfirmForm(formdata=None),
    )


@bp.route("/portal/artikel/<int:article_id>/dibaca", methods=["POST"])
@requires(Capability.PORTAL_USE)
def portal_opened(article_id: int):
    """Record that the requester read the article (htmx, when the page loads)."""
    article = policy.get_public_article_or_404(article_id)
    form = ConfirmForm()
    if not form.validate_on_submit():
        abort(400)
    read = services.record_read(article, current_user, form.value.data or "", now=utcnow())
    db.session.commit()
    session[READS_KEY] = [*session.get(READS_KEY, [])[-19:], read.id]
    return render_template(
        "haipedia/_portal_answered.html",
        article=article,
        form=ConfirmForm(formdata=None, data={"value": str(read.id)}),
    )


@bp.route("/portal/artikel/<int:article_id>/terjawab", methods=["POST"])
@requires(Capability.PORTAL_USE)
def portal_answered(article_id: int):
    """ "This answered me": the read is marked (recorded now if the page could not)."""
    article = policy.get_public_article_or_404(article_id)
    form = ConfirmForm()
    if not form.validate_on_submit():
        abort(400)
    raw = form.value.data or ""
    if raw.isdigit():
        read = db.session.get(ArticleRead, int(raw))
        if read is None or read.user_id != current_user.id or read.article_id != article.id:
            abort(404)
    else:
        read = services.record_read(article, current_user, "", now=utcnow())
    services.mark_answered(read)
    db.session.commit()
    session[READS_KEY] = [r for r in session.get(READS_KEY, []) if r != read.id]
    flash("Terima kasih. Senang artikel ini menjawab pertanyaan Anda.", "success")
    return redirect(url_for("portal.index"))


def take_reads() -> list[int]:
    """The portal's reads of this session, handed over once (the request form calls it)."""
    return [r for r in session.pop(READS_KEY, []) if isinstance(r, int)]
