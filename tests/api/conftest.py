"""An integration's token and a client that sends it."""

from __future__ import annotations

import pytest

from hai.api.tokens import issue_token
from hai.db_types import utcnow


class ApiClient:
    def __init__(self, client, secret: str):
        self.client = client
        self.headers = {"Authorization": f"Bearer {secret}"}

    def get(self, url, **kw):
        return self.client.get(url, headers=self.headers, **kw)

    def post(self, url, body=None, **kw):
        return self.client.post(url, json=body, headers=self.headers, **kw)

    def patch(self, url, body=None, **kw):
        return self.client.patch(url, json=body, headers=self.headers, **kw)


@pytest.fixture
def token(db_session):
    token, secret = issue_token("WhatsApp HAI-DJPb", now=utcnow(), actor_label="test")
    db_session.commit()
    return token, secret


@pytest.fixture
def api(app, db_session, token):
    return ApiClient(app.test_client(), token[1])
