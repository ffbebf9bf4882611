"""The official channels as reference data (PER-8 Pasal 9–10; 002 §B; 004 §6.B)."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class ChannelSeed:
    code: str
    name: str
    address: str
    always_open: bool
    basis: str


SERVICE_HOURS = "Hari kerja (Senin–Jumat) pukul 08.00–16.00 WIB"
ALWAYS = "Setiap hari, 24 jam"

CHANNELS: list[ChannelSeed] = [
    ChannelSeed(
        "call_center", "Call Center", "14090 ext. 1 dan ext. 3", False, "PER-8 Pasal 10(1)a"
    ),
    ChannelSeed(
        "email", "Surat elektronik (e-mail)", "hai.djpb@kemenkeu.go.id", True, "PER-8 Pasal 10(1)b"
    ),
    ChannelSeed("portal", "Portal HAI-DJPb", "hai.kemenkeu.go.id", True, "PER-8 Pasal 10(1)b"),
    ChannelSeed(
        "webchat",
        "Web Chat",
        "djpb.kemenkeu.go.id, hai.kemenkeu.go.id",
        False,
        "PER-8 Pasal 10(1)a",
    ),
    ChannelSeed(
        "hai_cso",
        "HAI CSO",
        "Terintegrasi dengan OM SPAN dan/atau MonSAKTI",
        False,
        "PER-8 Pasal 10(1)a",
    ),
    ChannelSeed("whatsapp", "WhatsApp", "+62 878 7711 4090", False, "PER-8 Pasal 10(1)a"),
    ChannelSeed("twitter", "Twitter/X", "@haiDJPb", True, "PER-8 Pasal 10(1)b"),
    ChannelSeed("instagram", "Instagram", "@hai.djpb", True, "PER-8 Pasal 10(1)b"),
    ChannelSeed("facebook", "Facebook", "facebook.com/hai.djpb", True, "PER-8 Pasal 10(1)b"),
    # Added by the SLA revision of 2023-06-30 (004 §6.B.10); PER-8 predates it, so
    # it is treated like the other social media accounts.
    ChannelSeed("youtube", "YouTube", "@HAI-DJPB", True, "Revisi SLA 2023 §6.B angka 10"),
]
