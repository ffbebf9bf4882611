"""Staff users for the load test (bench/load.py): each signs in once, then works the queue
the way an agent does — the queue, a ticket, the catalog, HAIPEDIA, home — and now and
then writes an internal note. A 5xx answer (or no answer) is a failure; 4xx answers that
the app gives on purpose (409 on a stale form) are not expected here and also fail.

Run by bench/load.py (never imported by the test suite: locust patches the standard
library with gevent on import).
"""

from __future__ import annotations

import os
import random
import re

from locust import HttpUser, between, task

CSRF = re.compile(r'name="csrf_token"[^>]*value="([^"]+)"')
VERSION = re.compile(r'name="row_version"[^>]*value="(\d+)"')
PASSWORD = os.environ.get("LOAD_PASSWORD", "")
USERS = int(os.environ.get("LOAD_STAFF", "50"))
TICKET_IDS = [int(x) for x in os.environ.get("LOAD_TICKETS", "").split(",") if x]
SEARCHES = ["sp2d", "revisi dipa", "sakti", "span", "gaji", "billing", "rekonsiliasi"]
# Seconds an agent spends between two clicks (reading a ticket, talking to the caller,
# typing): bench/load.py's --wait.
WAIT = [float(x) for x in os.environ.get("LOAD_WAIT", "5,15").split(",")]


class Agent(HttpUser):
    wait_time = between(WAIT[0], WAIT[1])

    def on_start(self) -> None:
        n = random.randrange(USERS)
        page = self.client.get("/login", name="/login")
        token = CSRF.search(page.text).group(1)
        with self.client.post(
            "/login",
            data={"email": f"agen{n}@load.test", "password": PASSWORD, "csrf_token": token},
            allow_redirects=False,
            name="POST /login",
            catch_response=True,
        ) as response:
            if response.status_code != 302:
                response.failure(f"login {response.status_code}")

    def _get(self, url: str, name: str) -> None:
        with self.client.get(url, name=name, catch_response=True) as response:
            if response.status_code != 200:
                response.failure(f"{response.status_code}")

    @task(6)
    def queue(self) -> None:
        self._get("/tickets", "/tickets")

    @task(5)
    def ticket(self) -> None:
        self._get(f"/tickets/{random.choice(TICKET_IDS)}", "/tickets/<id>")

    @task(2)
    def search_catalog(self) -> None:
        self._get(f"/catalog?q={random.choice(SEARCHES)}", "/catalog?q=")

    @task(2)
    def haipedia(self) -> None:
        self._get(f"/haipedia?q={random.choice(SEARCHES)}", "/haipedia?q=")

    @task(1)
    def home(self) -> None:
        self._get("/home", "/home")

    @task(1)
    def note(self) -> None:
        ticket = random.choice(TICKET_IDS)
        page = self.client.get(f"/tickets/{ticket}", name="/tickets/<id>")
        token, version = CSRF.search(page.text), VERSION.search(page.text)
        if token is None or version is None:
            return
        with self.client.post(
            f"/tickets/{ticket}/act/note",
            data={
                "csrf_token": token.group(1),
                "row_version": version.group(1),
                "body": "Catatan uji beban.",
            },  # fmt: skip
            allow_redirects=False,
            name="POST /tickets/<id>/act/note",
            catch_response=True,
        ) as response:
            if response.status_code >= 500 or response.status_code == 0:
                response.failure(f"{response.status_code}")
            else:
                response.success()  # 302 done, 409 stale or 422 refused: the app answered
