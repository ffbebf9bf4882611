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
from dataclasses import dataclass, field
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
