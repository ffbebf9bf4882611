"""Where WhatsApp, SMS and social-media messages leave HAI: a gateway interface.

``WebhookGateway`` posts each message as JSON to the provider's HTTP endpoint with an
``Idempotency-Key`` (the delivery's id), so a retry after a crash is not a second
message on the provider's side either. ``RecordingGateway`` keeps what it was given
(tests, demos); it also honours the key. Which one runs is configuration:
``HAI_GATEWAY_URL`` (and ``HAI_GATEWAY_TOKEN``), or ``HAI_GATEWAY=recording``.
"""

from __future__ import annotations

import json
import urllib.error
import urllib.request
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Protocol


class GatewayError(Exception):
    """The gateway did not take the message (retry later)."""


class Gateway(Protocol):
    def send(self, *, channel: str, address: str, text: str, key: str) -> str:
        """Hand one message over; returns the provider's id. Raises GatewayError."""


@dataclass
class WebhookGateway:
    url: str
    token: str = field(default="", repr=False)
    timeout: float = 10.0

    def __post_init__(self):
        if not self.url.startswith(("https://", "http://")):
            raise ValueError("HAI_GATEWAY_URL harus http:// atau https://")

    def send(self, *, channel: str, address: str, text: str, key: str) -> str:
        body = json.dumps(
            {"channel": channel, "to": address, "text": text, "reference": key}
        ).encode()
        request = urllib.request.Request(  # noqa: S310 (scheme checked in __post_init__)
            self.url,
            data=body,
            method="POST",
            headers={
                "Content-Type": "application/json",
                "Idempotency-Key": key,
                **({"Authorization": f"Bearer {self.token}"} if self.token else {}),
            },
        )
        try:
            with urllib.request.urlopen(request, timeout=self.timeout) as response:  # noqa: S310
                payload = response.read(65536)
        except urllib.error.HTTPError as exc:
            raise GatewayError(f"gateway menjawab HTTP {exc.code}") from exc
        except (urllib.error.URLError, OSError) as exc:
            raise GatewayError(f"gateway tidak dapat dihubungi: {exc}") from exc
        try:
            return str(json.loads(payload or b"{}").get("id", ""))[:200]
        except (ValueError, AttributeError):
            return ""


@dataclass
class RecordingGateway:
    """Remembers every message once per key (a provider with idempotency keys)."""

    sent: dict[str, dict] = field(default_factory=dict)

    def send(self, *, channel: str, address: str, text: str, key: str) -> str:
        if key not in self.sent:
            self.sent[key] = {"channel": channel, "to": address, "text": text}
        return f"rec-{key}"


class UnconfiguredGateway:
    def send(self, *, channel: str, address: str, text: str, key: str) -> str:
        raise GatewayError("gateway WhatsApp/SMS/media sosial belum dikonfigurasi")


_recording = RecordingGateway()


def gateway_from_config(config) -> Gateway:
    if config.get("HAI_GATEWAY_URL"):
        return WebhookGateway(config["HAI_GATEWAY_URL"], config.get("HAI_GATEWAY_TOKEN", ""))
    if config.get("HAI_GATEWAY") == "recording":
        return _recording
    return UnconfiguredGateway()


# One message to one recipient (a broadcast delivery, a survey invitation): retried with
# these pauses after the 1st, 2nd, ... failed attempt (the last repeats), given up after
# MAX_ATTEMPTS and left visibly failed.
BACKOFF_MINUTES = (1, 5, 15, 60)
MAX_ATTEMPTS = 6


def attempt(row, hand_over: Callable[[], str], *, now: datetime, counts: dict, errors) -> None:
    """Hand one queued row over (``hand_over`` returns the provider's id) and record the
    outcome on it: sent, queued again after a pause, or failed. The caller commits."""
    from hai.broadcasts.models import DeliveryStatus

    row.attempts += 1
    try:
        row.external_id = (hand_over() or "")[:200]
    except errors as exc:
        row.last_error = str(exc)[:500]
        if row.attempts >= MAX_ATTEMPTS:
            row.status = DeliveryStatus.FAILED
            counts["failed"] += 1
        else:
            pause = BACKOFF_MINUTES[min(row.attempts, len(BACKOFF_MINUTES)) - 1]
            row.next_attempt_at = now + timedelta(minutes=pause)
            counts["retry"] += 1
    else:
        row.status = DeliveryStatus.SENT
        row.sent_at = now
        row.last_error = ""
        counts["sent"] += 1
