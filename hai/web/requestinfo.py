"""What a view needs to know about the request to pass to services."""

from __future__ import annotations

from flask import request


def client_ip() -> str:
    # Behind a reverse proxy, set HAI_PROXY_HOPS (werkzeug ProxyFix) instead of trusting
    # headers here.
    return request.remote_addr or ""


def user_agent() -> str:
    return (request.user_agent.string or "")[:255]
