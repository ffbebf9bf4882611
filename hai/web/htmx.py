"""htmx helpers: branch on the HX-Request header only."""

from __future__ import annotations

import json

from flask import Response, request


def is_htmx() -> bool:
    return request.headers.get("HX-Request") == "true"


def hx_redirect(url: str) -> Response:
    response = Response(status=204)
    response.headers["HX-Redirect"] = url
    return response


def hx_trigger(response: Response, event: str, detail: dict | None = None) -> Response:
    response.headers["HX-Trigger"] = json.dumps({event: detail or {}})
    return response


def add_vary(response: Response) -> Response:
    vary = {v.strip() for v in response.headers.get("Vary", "").split(",") if v.strip()}
    vary.add("HX-Request")
    response.headers["Vary"] = ", ".join(sorted(vary))
    return response
