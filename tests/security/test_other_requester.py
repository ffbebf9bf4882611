"""The access matrix's third kind of visitor: a requester who does not own the object.

Generated from the one table in tests/web/test_access_matrix.py: every portal route
with an object in its URL, opened (GET) and posted to (with a valid CSRF token, so the
answer is the object check's and not the CSRF check's) by a second requester, must
answer 404. Only the objects that are shared by nature (a published public article)
stay readable."""

from __future__ import annotations

import pytest

from hai.auth.roles import Role
from tests.web.test_access_matrix import GET_PAGES, PORTAL, POST_ROUTES, _url

# Portal objects everybody with the portal may read: not owned by anyone.
SHARED = {
    "/portal/artikel/<int:article_id>",
    "/portal/artikel/<int:article_id>/dibaca",
    "/portal/artikel/<int:article_id>/terjawab",
}


def owned_routes(table: dict) -> list[str]:
    return sorted(
        rule
        for rule, allowed in table.items()
        if Role.PENGGUNA in allowed and allowed <= PORTAL | {Role.PENGGUNA} and "<int:" in rule
        if rule not in SHARED
    )


OWNED_GET = owned_routes(GET_PAGES)
OWNED_POST = owned_routes(POST_ROUTES)


def test_the_generated_lists_cover_every_kind_of_owned_object():
    kinds = {"tiket", "lampiran", "survei", "broadcast", "perubahan"}
    assert {k for k in kinds if any(k in rule for rule in OWNED_GET)} == kinds
    assert any("/portal/tiket/" in rule for rule in OWNED_POST)
    assert any("/portal/broadcast/" in rule for rule in OWNED_POST)


@pytest.fixture
def stranger(objects, make_user, signed_in):
    """Another requester, of the same user type as the sample objects' owner."""
    browser = signed_in(make_user(Role.PENGGUNA, user_type=1))
    for rule in SHARED:
        if rule in GET_PAGES:
            assert browser.get(_url(rule, objects, read_only=True)).status_code == 200
    return browser


def test_another_requester_gets_404_on_every_owned_page(objects, stranger):
    for rule in OWNED_GET:
        url = _url(rule, objects, read_only=True)
        status = stranger.get(url).status_code
        assert status == 404, f"another requester opened {url}: {status}"


def test_another_requester_gets_404_on_every_owned_post(objects, stranger):
    for rule in OWNED_POST:
        url = _url(rule, objects, read_only=False)
        status = stranger.post(url, {}).status_code
        assert status == 404, f"another requester posted to {url}: {status}"


def test_the_owner_still_opens_them(objects, db_session, signed_in):
    from hai.auth.models import User

    owner = signed_in(db_session.get(User, objects["portal_user_id"]))
    for rule in OWNED_GET:
        url = _url(rule, objects, read_only=True)
        assert owner.get(url).status_code == 200, url
