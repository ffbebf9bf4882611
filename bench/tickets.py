"""Tickets at scale: queue page, ticket page and breach flagging on a large database.

Builds a fresh database (a temporary SQLite file, or PostgreSQL from
HAI_BENCH_DATABASE_URL / HAI_TEST_DATABASE_URL, whose schema ``public`` is dropped
and recreated), runs the migrations and the reference data, creates staff with
``create_user``, then generates the tickets with bulk inserts (executemany on SQLite,
COPY on PostgreSQL): received over 2023-2026, channels and catalog scopes of the
version in force, 80 % closed, the open ones spread over statuses, levels and
assignees, with the due dates and at-risk instants of the real policy and calendar,
an ``sla_clock`` row per ticket, 2-3 timeline events per ticket, and the breaches
the job would already have recorded (its last pass at generation time).

Server time is measured inside the WSGI call (the test client's own work is not
counted), logged in as an L1 agent through /login with CSRF on, against a bare
``/__bench_hello`` route of the same app and run. Then the scheduler's regular breach
pass (``flag_recent_breaches``) runs twice at the instant of the job's next pass
(``--backlog-minutes`` after the last one, or ``--pass-at``): the first pass records
the new breaches, the second must record none; then the nightly sweep over every open
ticket (``flag_breaches`` without a window) runs once.

Goals (issue): L1 queue page p95 < 50 ms, one breach pass < 1 s.

Run:
  python -m bench.tickets [--tickets N] [--open N]          # SQLite, 1,000,000 / 200,000
  python -m bench.tickets --tickets 50000 --open 10000      # a quick run
  bash scripts/with-postgres.sh python -m bench.tickets     # PostgreSQL
Options: --explain prints the plans of the two slowest statements of each page and
of the breach pass (PostgreSQL: EXPLAIN ANALYZE, rolled back); --ddl SQL (repeatable)
runs SQL after generation, before ANALYZE (to measure a proposed index); --keep PATH
keeps the SQLite database at PATH.
"""

from __future__ import annotations

import argparse
import json
import math
import os
import random
import re
import statistics
import tempfile
import time
from bisect import bisect_right
from collections import Counter
from collections.abc import Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path

GOAL_QUEUE_P95 = 0.050
GOAL_BREACH = 1.0
SEED = 20261122
PASSWORD = "correct-horse-battery"  # noqa: S105 (bench users, fast hashing)
FIRST_RECEIVED = datetime(2023, 1, 2, 1, 0, tzinfo=UTC)
OLA_HOURS = 16


def words(text: str) -> list[str]:
    return text.split()


CHANNELS = {  # share of tickets
    "call_center": 28,
    "email": 15,
    "portal": 14,
    "webchat": 15,
    "whatsapp": 12,
    "hai_cso": 6,
    "twitter": 3,
    "instagram": 3,
    "facebook": 2,
    "youtube": 2,
}
LIVE_CHANNELS = {"call_center", "webchat", "hai_cso"}
OPEN_STATUSES = {"new": 15, "open": 35, "waiting": 10, "escalated": 25, "answered": 15}
TICKET_TYPES = {
    "question": 45,
    "information_request": 25,
    "disruption": 20,
    "change_request": 6,
    "complaint": 4,
}
CLOSE_REASONS = {
    "resolved": 86,
    "refused_catalog": 4,
    "refused_user_type": 2,
    "excluded": 1,
    "forwarded": 5,
    "no_response": 2,
}

SUBJECTS = [
    "Tidak bisa login SAKTI setelah ganti password",
    "Revisi DIPA belum disetujui",
    "SP2D belum terbit padahal SPM sudah diajukan",
    "Kode billing PNBP kedaluwarsa",
    "Error saat upload ADK SPM di SAKTI",
    "Rekonsiliasi eksternal gagal dikirim",
    "Cara mengajukan TUP akhir tahun",
    "Data supplier tidak ditemukan di SPAN",
    "Permintaan reset token OTP",
    "Gaji pegawai belum masuk rekening",
    "Pertanyaan modul komitmen SAKTI",
    "Akun OM-SPAN terkunci",
    "Permintaan data realisasi belanja",
    "Koreksi NPWP supplier",
    "Aplikasi e-Rekon-LK tidak bisa dibuka",
    "Pengaduan pelayanan KPPN",
    "Jadwal rekonsiliasi eksternal semester I",
    "Mekanisme pembayaran LS kontraktual",
    "Pembuatan user SAKTI untuk operator baru",
    "Retur SP2D karena rekening tidak aktif",
    "Penyesuaian pagu blokir",
    "Konfirmasi setoran penerimaan negara",
    "Menu monitoring SAKTI tidak muncul",
    "Perubahan data pejabat perbendaharaan",
    "Kartu kredit pemerintah ditolak",
    "Pengembalian belanja tahun lalu",
    "Laporan keuangan satker tidak balance",
    "Permintaan narasumber sosialisasi",
    "Aplikasi GPP error saat cetak daftar gaji",
    "Cara input resume tagihan di SAKTI",
]
SENTENCES = [
    "Mohon bantuan, kami sudah mencoba beberapa kali namun gagal.",
    "Pesan kesalahan yang muncul: terjadi kesalahan pada server.",
    "Kami operator satker dan baru pertama kali menggunakan aplikasi SAKTI.",
    "Batas waktu pengajuan tinggal dua hari lagi.",
    "Sudah dikonfirmasi ke KPPN namun diarahkan ke HAI-DJPb.",
    "Terlampir tangkapan layar dan nomor dokumen terkait.",
    "Mohon informasi langkah yang harus dilakukan.",
    "Kejadian ini mulai terjadi sejak pembaruan aplikasi kemarin.",
    "Data pada aplikasi berbeda dengan rekening koran bank.",
    "Atas perhatian dan bantuannya kami ucapkan terima kasih.",
    "Nomor SPM terlampir, nilai sesuai dengan kontrak.",
    "Apakah ada ketentuan terbaru mengenai hal ini?",
]
REPLIES = [
    "Terima kasih, permintaan Anda sedang kami proses.",
    "Silakan hapus cache peramban lalu coba masuk kembali.",
    "Pertanyaan Anda kami teruskan ke direktorat teknis.",
    "Mohon kirimkan tangkapan layar pesan kesalahan.",
    "Sesuai ketentuan, pengajuan dilakukan melalui KPPN mitra kerja.",
]
FIRST_NAMES = words(
    "Sri Budi Andi Rina Dewi Agus Eko Fajar Gita Hadi Indra Joko Ani Rudi Sekar Citra "
    "Bambang Wahyu Yuni Taufik Nur Siti Ahmad Putri Dian Rizky Ayu Hendra Lestari Bayu "
    "Maya Yoga Wulan Dimas Ratna Arif Intan Galih Nanda Tri"
)
LAST_NAMES = words(
    "Wahyuni Hartono Lestari Santoso Saputra Wibowo Kusuma Pratama Nugroho Hidayat "
    "Siregar Nasution Simanjuntak Halim Gunawan Setiawan Purnomo Susanto Rahmawati "
    "Permana Utami Anggraini Firmansyah Ramadhan Syahputra Hakim Tanjung Manurung"
)
SATKER = [
    "Satker Balai Besar Wilayah Sungai",
    "Direktorat Pelaksanaan Anggaran",
    "KPPN Jakarta I",
    "Kantor Wilayah DJPb",
    "Badan Pusat Statistik Kabupaten",
    "Rumah Sakit Umum Pusat",
    "Universitas Negeri",
    "Kantor Pelayanan Pajak Pratama",
    "",
]
DOMAINS = ["kemenkeu.go.id", "satker.go.id", "gmail.com", "yahoo.co.id", "contoh.co.id"]

TICKET_COLUMNS = words(
    "id number channel_code received_at created_at created_by_id recording_ref "
    "requester_id requester_name requester_email requester_phone requester_user_type "
    "satker_name satker_code version_id service_id scope_id subject description type "
    "impact urgency priority status level assignee_id team_unit_id office_unit_id "
    "confidential escalated_at ola_due_at l2_answered_at first_response_at answered_at "
    "answered_by_id closed_at close_reason close_note forwarded_unit forwarded_at "
    "reopen_count rating feedback rated_at response_due_at fulfilment_due_at "
    "response_risk_at fulfilment_risk_at paused row_version"
)
CLOCK_COLUMNS = words(
    "id subject_type subject_id unit_id version_id channel_code scope_id service_id "
    "priority escalated received_at paused_since paused_us response_due_at "
    "fulfilment_due_at fulfilment_basis responded_at closed_at"
)
EVENT_COLUMNS = words("id ticket_id at actor_id actor_label kind action body data")
BREACH_COLUMNS = words("id ticket_id kind due_at detected_at")
REQUESTER_COLUMNS = words(
    "id name email phone user_type satker_name satker_code user_id created_at"
)


# --- small helpers ---------------------------------------------------------------------


def ts(instant: datetime | None) -> str | None:
    """An aware instant as the naive-UTC text both databases read (UTCDateTime)."""
    if instant is None:
        return None
    return instant.astimezone(UTC).replace(tzinfo=None).isoformat(" ", "microseconds")


def fmt_s(seconds: float) -> str:
    if seconds >= 1:
        return f"{seconds:7.2f} s "
    return f"{seconds * 1e3:7.1f} ms"


def percentile(samples: Sequence[float], q: float) -> float:
    """Linear interpolation between closest ranks (q in 0..100)."""
    ordered = sorted(samples)
    if len(ordered) == 1:
        return ordered[0]
    pos = (len(ordered) - 1) * q / 100
    lo, hi = math.floor(pos), math.ceil(pos)
    return ordered[lo] + (ordered[hi] - ordered[lo]) * (pos - lo)


def weighted(rng: random.Random, table: dict[str, int]):
    keys = list(table)
    cum = []
    total = 0
    for k in keys:
        total += table[k]
        cum.append(total)

    def pick() -> str:
        return keys[bisect_right(cum, rng.random() * total)]

    return pick


def short_sql(statement: str, width: int = 150) -> str:
    s = " ".join(statement.split())
    s = re.sub(
        r"SELECT (?:ticket\.\w+(?: AS \w+)?, )+ticket\.\w+(?: AS \w+)? FROM",
        "SELECT ticket.* FROM",
        s,
    )
    s = re.sub(r"\((?:ticket\.\w+, )+ticket\.\w+\)", "(ticket.*)", s)
    return s if len(s) <= width else s[: width - 1] + "…"


# --- the database ------------------------------------------------------------------------


class Writer:
    """Bulk rows into one table: executemany on SQLite, COPY on PostgreSQL."""

    def __init__(self, engine, batch: int):
        self.engine = engine
        self.dialect = engine.dialect.name
        self.batch = batch
        self.rows: Counter[str] = Counter()
        self.seconds = 0.0

    def write(self, table: str, columns: Sequence[str], rows: list[tuple]) -> None:
        if not rows:
            return
        began = time.perf_counter()
        cols = ", ".join(columns)
        with self.engine.begin() as conn:
            if self.dialect == "sqlite":
                marks = ", ".join("?" * len(columns))
                sql = f"INSERT INTO {table} ({cols}) VALUES ({marks})"  # noqa: S608
                for i in range(0, len(rows), self.batch):
                    conn.exec_driver_sql(sql, rows[i : i + self.batch])
            else:
                raw = conn.connection.driver_connection
                with raw.cursor() as cur, cur.copy(f"COPY {table} ({cols}) FROM STDIN") as copy:
                    for row in rows:
                        copy.write_row(row)
        self.rows[table] += len(rows)
        self.seconds += time.perf_counter() - began


class Generator:
    """Requesters, tickets, clocks, events and already-recorded breaches."""

    def __init__(self, *, n_tickets: int, n_open: int, now: datetime, seed: int, staff: dict):
        from sqlalchemy import select

        from hai.catalog.models import CatalogScope, CatalogService, CatalogVersion, VersionState
        from hai.extensions import db
        from hai.org.models import OrgUnit, UnitKind
        from hai.sla.calendars import calendar_for
        from hai.sla.norms import load_norms
        from hai.web.timefmt import WIB

        self.n, self.n_open, self.now = n_tickets, n_open, now
        self.rng = random.Random(seed)
        self.cal = calendar_for()
        self.wib = WIB
        self.staff = staff
        # (effective_from, id, norms, scopes, services); a scope or service is
        # (scope_id, service_id, norm hours, service code, name)
        self.versions = []
        for v in db.session.scalars(
            select(CatalogVersion)
            .where(CatalogVersion.state != VersionState.DRAFT)
            .order_by(CatalogVersion.effective_from)
        ):
            choices = []
            for sc, sv in db.session.execute(
                select(CatalogScope, CatalogService)
                .join(CatalogService)
                .where(CatalogService.version_id == v.id)
            ):
                hours = sc.norm_hours if sc.norm_hours is not None else sv.norm_hours
                choices.append((sc.id, sv.id, hours, sv.code, sc.name))
            services = [
                (None, sv.id, sv.norm_hours, sv.code, sv.name)
                for sv in db.session.scalars(
                    select(CatalogService).where(CatalogService.version_id == v.id)
                )
            ]
            self.versions.append((v.effective_from, v.id, load_norms(v), choices, services))
        self.version_starts = [v[0] for v in self.versions]
        units = list(db.session.scalars(select(OrgUnit)))
        self.directorates = [u.id for u in units if u.kind is UnitKind.DIREKTORAT]
        self.offices = [u.id for u in units if u.kind is UnitKind.KPPN] or self.directorates
        self.sitp = next(u.id for u in units if u.code == "DIT-SITP")
        self.channel = weighted(self.rng, CHANNELS)
        self.open_status = weighted(self.rng, OPEN_STATUSES)
        self.ticket_type = weighted(self.rng, TICKET_TYPES)
        self.close_reason = weighted(self.rng, CLOSE_REASONS)
        self.requesters: list[tuple] = []
        self.event_id = 0
        self.breach_id = 0
        self.visible_open_ids: list[int] = []  # open, not confidential: the L1 agent sees them
        self.stats: Counter[str] = Counter()

    # -- requesters --

    def requester_rows(self) -> list[tuple]:
        rng = self.rng
        rows = []
        for i in range(1, max(1000, self.n // 8) + 1):
            first, last = rng.choice(FIRST_NAMES), rng.choice(LAST_NAMES)
            name = f"{first} {last}"
            email = f"{first}.{last}{i}@{rng.choice(DOMAINS)}".lower() if rng.random() < 0.8 else ""
            phone = f"08{rng.randrange(10**9, 10**10)}" if rng.random() < 0.7 else ""
            satker = rng.choice(SATKER)
            code = f"{rng.randrange(10**5, 10**6)}" if satker else ""
            user_type = rng.randint(1, 11)
            rows.append((i, name, email, phone, user_type, satker, code, None, ts(FIRST_RECEIVED)))
            self.requesters.append((i, name, email, phone, user_type, satker, code))
        return rows

    # -- tickets --

    def received_instants(self) -> list[tuple[float, bool]]:
        """(POSIX time, open?) for every ticket, in order of receipt (= id order)."""
        rng = self.rng
        start, end = FIRST_RECEIVED.timestamp(), self.now.timestamp()
        out = []
        for _ in range(self.n - self.n_open):  # closed: any time until two days ago
            out.append((rng.uniform(start, end - 2 * 86400), False))
        for _ in range(self.n_open):  # open: mostly recent, a tail of stuck ones
            if rng.random() < 0.1:
                age = rng.uniform(0, 400 * 86400)
            else:
                age = rng.expovariate(1 / (12 * 86400))
            out.append((max(start, end - max(age, 60.0)), True))
        out.sort()
        return out

    def _version(self, received: datetime):
        day = received.astimezone(self.wib).date()
        i = bisect_right(self.version_starts, day) - 1
        return self.versions[max(i, 0)]

    def _due(self, received: datetime, norm: timedelta | None):
        if norm is None:
            return None, None
        return self.cal.add(received, norm), self.cal.add(received, norm * 3 / 4)

    def _before_now(self, instant: datetime, floor: datetime) -> datetime:
        """``instant`` kept between ``floor`` and a minute before generation time."""
        latest = self.now - timedelta(minutes=1)
        return max(floor, min(instant, latest))

    def batch(self, items: list[tuple[int, float, bool]]):
        """Rows of tickets, clocks, events and breaches for (id, time, open) items."""
        from hai.sla.policy import Request, fulfilment_norm

        rng, staff, now = self.rng, self.staff, self.now
        tickets, clocks, events, breaches = [], [], [], []
        l1_agents, l2_by_unit = staff["l1"], staff["l2_by_unit"]
        for tid, posix, is_open in items:
            received = datetime.fromtimestamp(posix, UTC)
            _, version_id, norms, scopes, services = self._version(received)
            channel = self.channel()
            r = rng.random()
            if r < 0.03:
                scope_id = service_id = hours = None
                service_code, scope_name = "", ""
            elif r < 0.08:
                scope_id, service_id, hours, service_code, scope_name = rng.choice(services)
            else:
                scope_id, service_id, hours, service_code, scope_name = rng.choice(scopes)
            confidential = service_code.startswith("WBSM.01")
            req = rng.choice(self.requesters)
            subject = (
                rng.choice(SUBJECTS)
                if rng.random() < 0.7 or not scope_name
                else f"Permintaan: {scope_name[:200]}"
            )
            description = " ".join(rng.sample(SENTENCES, rng.randint(2, 4)))
            creator = staff["cso"] if channel == "hai_cso" else rng.choice(l1_agents)
            level = "cso" if channel == "hai_cso" else "l1"
            office = rng.choice(self.offices) if channel == "hai_cso" else None
            if rng.random() < 0.25:
                impact, urgency = (
                    rng.choice(("high", "medium", "low")),
                    rng.choice(("high", "medium", "low")),
                )
                priority = norms.matrix.get((impact, urgency))
            else:
                impact = urgency = priority = None

            status = self.open_status() if is_open else "closed"
            first_response = answered = closed_at = escalated_at = ola_due = None
            l2_answered = paused_since = None
            assignee = team = answered_by = None
            close_reason = rating = rated_at = None
            paused = False
            escalated_to = None  # level after escalation
            live = channel in LIVE_CHANNELS
            if status != "new":
                # Live channels answer within the call or chat, the others within the hour
                # mostly (norms: 2 minutes and 1 hour).
                delay = rng.uniform(10, 150) if live else rng.expovariate(1 / 1800)
                first_response = self._before_now(received + timedelta(seconds=delay), received)
            if status == "new":
                assignee = rng.choice(l1_agents) if rng.random() < 0.2 else None
            else:
                assignee = rng.choice(l1_agents) if level == "l1" else staff["cso"]
            if status == "escalated" or (not is_open and rng.random() < 0.12):
                escalated_at = self._before_now(
                    first_response + timedelta(seconds=rng.uniform(600, 86400)), first_response
                )
                if level == "cso":
                    escalated_to = "l1"
                else:
                    escalated_to = rng.choices(("kepala_seksi", "l2", "l3"), (20, 65, 15))[0]
                level = escalated_to
                if escalated_to in ("l2", "l3"):
                    team = self.sitp if rng.random() < 0.3 else rng.choice(self.directorates)
                    ola_due = self.cal.add(escalated_at, timedelta(hours=OLA_HOURS))
                    people = l2_by_unit.get(team, [])
                    assignee = rng.choice(people) if people and rng.random() < 0.6 else None
                    if escalated_to == "l3" or not is_open:
                        l2_answered = self._before_now(
                            escalated_at + timedelta(seconds=rng.uniform(3600, 4 * 86400)),
                            escalated_at,
                        )
                elif escalated_to == "kepala_seksi":
                    assignee = staff["kasi"] if rng.random() < 0.5 else None
            if status == "waiting":
                paused = True
                paused_since = self._before_now(
                    first_response + timedelta(seconds=rng.uniform(300, 86400)), first_response
                )
            if status == "answered" or not is_open:
                base = l2_answered or escalated_at or first_response
                if live and escalated_at is None and rng.random() < 0.75:
                    delay = rng.uniform(0, 300)  # answered in the same call or chat
                else:
                    delay = rng.expovariate(1 / 86400)
                answered = self._before_now(base + timedelta(seconds=delay), base)
                answered_by = assignee or rng.choice(l1_agents)
            if not is_open:
                closed_at = self._before_now(
                    answered + timedelta(seconds=rng.uniform(600, 3 * 86400)), answered
                )
                close_reason = self.close_reason()
                if close_reason == "resolved" and rng.random() < 0.4:
                    rating = rng.choices((1, 2, 3, 4, 5), (3, 4, 13, 40, 40))[0]
                    rated_at = closed_at
            escalated = escalated_to not in (None, "l1")

            cn = norms.channels.get(channel)
            response_norm = cn.response if cn else None
            ful_norm, basis = fulfilment_norm(
                norms,
                Request(
                    received_at=received,
                    channel_code=channel,
                    scope_norm_hours=hours,
                    escalated=escalated,
                    priority=priority,
                ),
            )
            response_due, response_risk = self._due(received, response_norm)
            fulfilment_due, fulfilment_risk = self._due(received, ful_norm)

            year = received.astimezone(self.wib).year
            tickets.append(
                (
                    tid,
                    f"HAI-{year}-{tid:06d}",
                    channel,
                    ts(received),
                    ts(min(received + timedelta(seconds=rng.uniform(5, 300)), now)),
                    creator,
                    f"REC-{tid:08d}" if channel == "call_center" else "",
                    req[0],
                    req[1],
                    req[2],
                    req[3],
                    req[4],
                    req[5],
                    req[6],
                    version_id,
                    service_id,
                    scope_id,
                    subject,
                    description,
                    self.ticket_type() if not confidential else "complaint",
                    impact,
                    urgency,
                    priority,
                    status,
                    level,
                    assignee,
                    team,
                    office,
                    confidential,
                    ts(escalated_at),
                    ts(ola_due),
                    ts(l2_answered),
                    ts(first_response),
                    ts(answered),
                    answered_by,
                    ts(closed_at),
                    close_reason,
                    "",
                    "",
                    None,
                    0,
                    rating,
                    "",
                    ts(rated_at),
                    ts(response_due),
                    ts(fulfilment_due),
                    ts(response_risk),
                    ts(fulfilment_risk),
                    paused,
                    1 + (status != "new") + (escalated_at is not None) + (answered is not None),
                )
            )
            clocks.append(
                (
                    tid,
                    "ticket",
                    tid,
                    None,
                    version_id,
                    channel,
                    scope_id,
                    service_id,
                    priority,
                    escalated,
                    ts(received),
                    ts(paused_since),
                    0,
                    ts(response_due),
                    ts(fulfilment_due),
                    basis,
                    ts(first_response),
                    ts(closed_at),
                )
            )
            # Timeline: created, then the first reply / escalation / answer / close.
            self._event(
                events,
                tid,
                received,
                creator,
                "created",
                "created",
                description,
                {"channel": channel},
            )
            if first_response is not None:
                self._event(
                    events, tid, first_response, assignee, "reply", "reply", rng.choice(REPLIES), {}
                )
            if escalated_at is not None and is_open:
                self._event(
                    events,
                    tid,
                    escalated_at,
                    assignee,
                    "status",
                    "escalated",
                    "Butuh penjelasan direktorat teknis.",
                    {
                        "status": {"from": "open", "to": "escalated"},
                        "level": {"from": "l1", "to": level},
                    },
                )
            elif paused_since is not None:
                self._event(
                    events,
                    tid,
                    paused_since,
                    assignee,
                    "status",
                    "paused",
                    "Mohon kirim dokumen pendukung.",
                    {"status": {"from": "open", "to": "waiting"}},
                )
            elif closed_at is not None and rng.random() < 0.5:
                self._event(
                    events,
                    tid,
                    closed_at,
                    answered_by,
                    "status",
                    "closed",
                    "Pengguna mengonfirmasi.",
                    {"status": {"from": "answered", "to": "closed"}},
                )
            # Breaches already recorded by the job's earlier passes.
            checks = (
                ("response_at_risk", response_risk, first_response),
                ("response", response_due, first_response),
                ("fulfilment_at_risk", fulfilment_risk, answered),
                ("fulfilment", fulfilment_due, answered),
                ("ola", ola_due, l2_answered),
            )
            # A pass runs every 2 minutes and only sees open, unanswered tickets, so a
            # closed ticket has a breach if it was still unanswered at the first pass
            # after the due instant.
            for kind, due, done in checks:
                if due is None:
                    continue
                detected = due + timedelta(seconds=rng.uniform(0, 120))
                if is_open:
                    late = done is None and due <= now and (kind == "ola" or not paused)
                else:
                    late = done is not None and detected < done
                if late:
                    self.breach_id += 1
                    detected = min(detected, now)
                    breaches.append((self.breach_id, tid, kind, ts(due), ts(detected)))
            if is_open and not confidential:
                self.visible_open_ids.append(tid)
            self.stats[status] += 1
        return tickets, clocks, events, breaches

    def _event(self, events, tid, at, actor, kind, action, body, data):
        self.event_id += 1
        label = self.staff["names"].get(actor, "Sistem")
        events.append(
            (self.event_id, tid, ts(at), actor, label, kind, action, body, json.dumps(data))
        )


def reset_schema(url: str) -> None:
    from sqlalchemy import text

    from hai.extensions import db

    if url.startswith("postgresql"):
        with db.engine.begin() as conn:
            conn.execute(text("DROP SCHEMA public CASCADE"))
            conn.execute(text("CREATE SCHEMA public"))


def make_staff(now: datetime) -> dict:
    """The measured L1 agent (first of 40), L2 agents (DIT-SITP first), a Kepala Seksi,
    a Manajer Layanan (receives breach notifications) and a CSO."""
    from sqlalchemy import select

    from hai.auth.roles import Role
    from hai.auth.services import create_user
    from hai.extensions import db
    from hai.org.models import OrgUnit
    from hai.tickets.models import OlaTarget

    units = {u.code: u for u in db.session.scalars(select(OrgUnit))}

    def user(email, name, role, unit_code=None):
        return create_user(
            email=email,
            name=name,
            password=PASSWORD,
            roles=[role],
            unit_id=units[unit_code].id if unit_code else None,
            now=now,
            actor=None,
            actor_label="bench",
        )

    l1 = [
        user(f"agen{i}@bench.hai.test", f"Agen L1 {i:02d}", Role.AGEN_L1, "DIT-SITP")
        for i in range(1, 41)
    ]
    l2 = [
        user("l2-sitp1@bench.hai.test", "Agen L2 SITP 1", Role.AGEN_L2, "DIT-SITP"),
        user("l2-sitp2@bench.hai.test", "Agen L2 SITP 2", Role.AGEN_L2, "DIT-SITP"),
        user("l2-pa@bench.hai.test", "Agen L2 PA", Role.AGEN_L2, "DIT-PA"),
        user("l2-pkn@bench.hai.test", "Agen L2 PKN", Role.AGEN_L2, "DIT-PKN"),
    ]
    kasi = user("kasi@bench.hai.test", "Kepala Seksi", Role.KEPALA_SEKSI, "DIT-SITP")
    manajer = user("manajer@bench.hai.test", "Manajer Layanan", Role.MANAJER_LAYANAN, "DIT-PA")
    cso = user("cso@bench.hai.test", "CSO KPPN", Role.CSO, "KPPN-JKT1")
    for u in units.values():
        if u.kind.name == "DIREKTORAT":
            db.session.add(OlaTarget(unit_id=u.id, hours=OLA_HOURS, updated_at=now))
    db.session.commit()
    by_unit: dict[int, list[int]] = {}
    for u in l2:
        by_unit.setdefault(u.unit_id, []).append(u.id)
    everyone = [*l1, *l2, kasi, manajer, cso]
    return {
        "l1": [u.id for u in l1],
        "l1_email": l1[0].email,
        "l1_user_id": l1[0].id,
        "l2_by_unit": by_unit,
        "kasi": kasi.id,
        "manajer": manajer.id,
        "cso": cso.id,
        "names": {u.id: u.name for u in everyone},
    }


def generate(engine, gen: Generator, batch: int) -> dict:
    writer = Writer(engine, batch)
    began = time.perf_counter()
    writer.write("requester", REQUESTER_COLUMNS, gen.requester_rows())
    instants = gen.received_instants()
    python_s = 0.0
    chunk = 50_000
    for start in range(0, len(instants), chunk):
        t0 = time.perf_counter()
        items = [(start + i + 1, p, o) for i, (p, o) in enumerate(instants[start : start + chunk])]
        tickets, clocks, events, breaches = gen.batch(items)
        python_s += time.perf_counter() - t0
        writer.write("ticket", TICKET_COLUMNS, tickets)
        writer.write("sla_clock", CLOCK_COLUMNS, clocks)
        writer.write("ticket_event", EVENT_COLUMNS, events)
        writer.write("sla_breach", BREACH_COLUMNS, breaches)
    if engine.dialect.name == "postgresql":
        with engine.begin() as conn:
            for table in ("requester", "ticket", "sla_clock", "ticket_event", "sla_breach"):
                conn.exec_driver_sql(
                    f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), "  # noqa: S608
                    f"(SELECT max(id) FROM {table}))"
                )
    return {
        "rows": writer.rows,
        "total_s": time.perf_counter() - began,
        "insert_s": writer.seconds,
        "python_s": python_s,
    }


def analyze(engine) -> tuple[str, float]:
    began = time.perf_counter()
    if engine.dialect.name == "postgresql":
        with engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
            conn.exec_driver_sql("VACUUM ANALYZE")
        return "VACUUM ANALYZE", time.perf_counter() - began
    with engine.begin() as conn:
        conn.exec_driver_sql("ANALYZE")
    # A checkpoint cannot run inside a transaction, and the app's connections begin one
    # (BEGIN IMMEDIATE, hai.db_setup): use the driver's connection directly.
    raw = engine.raw_connection()
    try:
        raw.driver_connection.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    finally:
        raw.close()
    return "ANALYZE", time.perf_counter() - began


# --- building the database -----------------------------------------------------------------


def bench_app(url: str, tmp: str):
    """The app on ``url`` with a bare ``/__bench_hello`` route and the WSGI timer."""
    from hai import create_app
    from hai.config import TestingConfig

    app = create_app(
        TestingConfig,
        {
            "SQLALCHEMY_DATABASE_URI": url,
            "INSTANCE_PATH": tmp,
            "UPLOAD_FOLDER": str(Path(tmp) / "uploads"),
        },
    )
    app.add_url_rule("/__bench_hello", "bench_hello", lambda: "ok")
    timer = ServerTimer(app)
    app.wsgi_app = timer
    return app, timer


@dataclass
class Built:
    gen: Generator
    staff: dict
    now: datetime  # generation time
    made: dict
    ddl: Sequence[str]
    ddl_s: float
    analyze_name: str
    analyze_s: float


def build(
    engine,
    url: str,
    *,
    n_tickets: int,
    n_open: int,
    seed: int = SEED,
    batch: int = 20_000,
    ddl: Sequence[str] = (),
) -> Built:
    """A fresh schema (migrations, reference data, staff) with the generated tickets, then
    the extra DDL and ANALYZE. In an app context."""
    from flask_migrate import upgrade

    from hai.db_types import utcnow
    from hai.extensions import db
    from hai.reference import load_reference_data

    reset_schema(url)
    upgrade()
    load_reference_data(now=utcnow())
    db.session.commit()
    gen_now = utcnow()
    staff = make_staff(gen_now)
    gen = Generator(n_tickets=n_tickets, n_open=n_open, now=gen_now, seed=seed, staff=staff)
    db.session.commit()
    made = generate(engine, gen, batch)
    ddl_s = 0.0
    for sql in ddl:
        began = time.perf_counter()
        with engine.begin() as conn:
            conn.exec_driver_sql(sql)
        ddl_s += time.perf_counter() - began
    analyze_name, analyze_s = analyze(engine)
    return Built(gen, staff, gen_now, made, ddl, ddl_s, analyze_name, analyze_s)


def print_generation(built: Built, dialect: str) -> None:
    made, rows = built.made, built.made["rows"]
    print("generation")
    print(
        f"  {rows['requester']:,} requesters, {rows['ticket']:,} tickets, "
        f"{rows['sla_clock']:,} clocks, {rows['ticket_event']:,} events, "
        f"{rows['sla_breach']:,} breaches already recorded"
    )
    status_mix = ", ".join(f"{k} {v:,}" for k, v in sorted(built.gen.stats.items()))
    print(f"  statuses: {status_mix}")
    print(
        f"  {fmt_s(made['total_s'])} in all: {fmt_s(made['python_s'])} building rows, "
        f"{fmt_s(made['insert_s'])} "
        f"{'executemany' if dialect == 'sqlite' else 'COPY'} "
        f"({rows['ticket'] / max(made['total_s'], 1e-9):,.0f} tickets/s with their rows)"
    )
    for sql in built.ddl:
        print(f"  extra DDL: {sql}")
    if built.ddl:
        print(f"  extra DDL took {fmt_s(built.ddl_s)}")
    print(f"  {built.analyze_name}: {fmt_s(built.analyze_s)}")


# --- measuring -----------------------------------------------------------------------------


class ServerTimer:
    """WSGI middleware: the time of the whole app call, body included."""

    def __init__(self, app):
        self.inner = app.wsgi_app
        self.last = 0.0

    def __call__(self, environ, start_response):
        began = time.perf_counter()
        result = self.inner(environ, start_response)
        try:
            body = b"".join(result)
        finally:
            if hasattr(result, "close"):
                result.close()
        self.last = time.perf_counter() - began
        return [body]


class StatementLog:
    """(statement, parameters, seconds) of every SQL statement while ``active``."""

    def __init__(self, engine):
        from sqlalchemy import event

        self.active = False
        self.entries: list[tuple[str, object, float]] = []

        @event.listens_for(engine, "before_cursor_execute")
        def before(conn, cursor, statement, parameters, context, executemany):
            conn.info["bench_t0"] = time.perf_counter()

        @event.listens_for(engine, "after_cursor_execute")
        def after(conn, cursor, statement, parameters, context, executemany):
            if self.active:
                self.entries.append(
                    (statement, parameters, time.perf_counter() - conn.info["bench_t0"])
                )

    @contextmanager
    def capture(self):
        self.entries = []
        self.active = True
        try:
            yield self
        finally:
            self.active = False


CSRF_RE = re.compile(
    r'name="csrf_token" type="hidden" value="([^"]+)"|name="csrf_token" value="([^"]+)"'
)


def login(client, email: str) -> None:
    page = client.get("/login").get_data(as_text=True)
    match = CSRF_RE.search(page)
    assert match, "no CSRF token on /login"
    token = next(g for g in match.groups() if g)
    response = client.post(
        "/login", data={"email": email, "password": PASSWORD, "csrf_token": token}
    )
    assert response.status_code == 302, response.get_data(as_text=True)[:300]


def sample(client, timer, paths, *, n: int, warmup: int, budget: float) -> list[float]:
    for i in range(warmup):
        response = client.get(paths(i))
        assert response.status_code == 200, (paths(i), response.status_code)
    samples = []
    began = time.perf_counter()
    for i in range(n):
        response = client.get(paths(i))
        assert response.status_code == 200, (paths(i), response.status_code)
        samples.append(timer.last)
        if time.perf_counter() - began > budget and len(samples) >= 20:
            break
    return samples


def explain(statement: str, parameters, dialect: str) -> list[str]:
    """The plan; on PostgreSQL with actual times (EXPLAIN ANALYZE, rolled back)."""
    from hai.extensions import db

    prefix = "EXPLAIN QUERY PLAN " if dialect == "sqlite" else "EXPLAIN (ANALYZE, COSTS OFF) "
    conn = db.session.connection()
    try:
        rows = conn.exec_driver_sql(prefix + statement, parameters).all()
    finally:
        db.session.rollback()
    if dialect == "sqlite":
        depth = {0: 0}
        lines = []
        for node, parent, _, detail in rows:
            depth[node] = depth.get(parent, 0) + 1
            lines.append("  " * depth[node] + detail)
        return lines
    return [r[0] for r in rows]


def report_statements(title: str, entries, *, top: int, do_explain: bool, dialect: str) -> None:
    total = sum(e[2] for e in entries)
    print(f"  {title}: {len(entries)} statements, {total * 1e3:.1f} ms in SQL")
    slowest = sorted(entries, key=lambda e: -e[2])[:top]
    for rank, (statement, parameters, seconds) in enumerate(slowest):
        print(f"    {seconds * 1e3:8.1f} ms  {short_sql(statement)}")
        explainable = statement.lstrip().upper().startswith(("SELECT", "INSERT", "WITH"))
        if do_explain and explainable and seconds >= 0.005 and rank < 2:
            for line in explain(statement, parameters, dialect):
                print(f"                 | {line}")
    # Repeated statements (N+1 loads, per-row work): the same text run many times.
    shapes: dict[str, list[float]] = {}
    for statement, _, seconds in entries:
        shapes.setdefault(statement, []).append(seconds)
    repeated = sorted(
        ((sum(t), len(t), st) for st, t in shapes.items() if len(t) > 2), reverse=True
    )[:3]
    for seconds, count, statement in repeated:
        print(f"    {seconds * 1e3:8.1f} ms  = {count:,} × {short_sql(statement, 125)}")


# --- main ----------------------------------------------------------------------------------


def main(argv: Sequence[str] | None = None) -> None:
    parser = argparse.ArgumentParser(
        prog="python -m bench.tickets",
        description=__doc__,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument("--tickets", type=int, default=1_000_000)
    parser.add_argument("--open", type=int, default=200_000)
    parser.add_argument("--requests", type=int, default=200, help="per page (default 200)")
    parser.add_argument("--warmup", type=int, default=10)
    parser.add_argument(
        "--budget",
        type=float,
        default=120.0,
        help="seconds per page before sampling stops early (min. 20 requests)",
    )
    parser.add_argument(
        "--backlog-minutes",
        type=float,
        default=2.0,
        help="the pass runs this long after the last recorded one (job: 2 min)",
    )
    parser.add_argument(
        "--pass-at",
        type=datetime.fromisoformat,
        help="the pass instant instead (ISO with offset, after generation), e.g. the first "
        "pass of a Monday morning: 2026-11-23T08:01+07:00",
    )
    parser.add_argument("--batch", type=int, default=20_000, help="rows per executemany")
    parser.add_argument("--seed", type=int, default=SEED)
    parser.add_argument("--ddl", action="append", default=[], help="SQL run before ANALYZE")
    parser.add_argument("--explain", action="store_true")
    parser.add_argument("--keep", type=Path, help="SQLite: keep the database at this path")
    args = parser.parse_args(argv)
    if not 0 <= args.open <= args.tickets:
        parser.error("--open must be between 0 and --tickets")

    from sqlalchemy import func, select

    from hai.auth.models import User
    from hai.db_types import utcnow
    from hai.extensions import db
    from hai.mail.models import OutboxMessage
    from hai.tickets import queries
    from hai.tickets.jobs import flag_breaches, flag_recent_breaches
    from hai.tickets.models import Notification, SlaBreach
    from hai.web.numfmt import format_number

    url = os.environ.get("HAI_BENCH_DATABASE_URL") or os.environ.get("HAI_TEST_DATABASE_URL")
    with tempfile.TemporaryDirectory() as tmp:
        db_path = args.keep or Path(tmp) / "tickets.db"
        if not url and db_path.exists():
            db_path.unlink()
        url = url or f"sqlite:///{db_path}"
        app, timer = bench_app(url, tmp)

        with app.app_context():
            engine = db.engine
            dialect = engine.dialect.name
            built = build(
                engine,
                url,
                n_tickets=args.tickets,
                n_open=args.open,
                seed=args.seed,
                batch=args.batch,
                ddl=args.ddl,
            )
            gen, staff, gen_now = built.gen, built.staff, built.now
            log = StatementLog(engine)
            agent = db.session.get(User, staff["l1_user_id"])
            counts = queries.queue_counts(agent, utcnow())
            db.session.remove()

        print(f"HAI ticket benchmarks — {dialect}, {args.tickets:,} tickets ({args.open:,} open)")
        print_generation(built, dialect)
        print(
            "  L1 agent's queue counts (as the tabs show them): "
            + ", ".join(f"{k} {format_number(v)}" for k, v in counts.items())
        )

        # -- pages --
        client = app.test_client()
        login(client, staff["l1_email"])
        pick = random.Random(args.seed + 1)
        ids = gen.visible_open_ids or [1]
        detail_ids = [pick.choice(ids) for _ in range(args.requests + args.warmup)]
        pages = [
            ("hello", "/__bench_hello", lambda i: "/__bench_hello"),
            ("L1 queue", "/tickets?queue=team", lambda i: "/tickets?queue=team"),
            ("queue tabs", "/tickets/tabs?queue=team", lambda i: "/tickets/tabs?queue=team"),
            ("search", "/tickets?queue=all&q=sakti", lambda i: "/tickets?queue=all&q=sakti"),
            ("ticket page", "/tickets/<random open id>", lambda i: f"/tickets/{detail_ids[i]}"),
        ]
        results = {}
        for name, _, paths in pages:
            results[name] = sample(
                client, timer, paths, n=args.requests, warmup=args.warmup, budget=args.budget
            )
        hello = statistics.median(results["hello"])
        print(f"server time (warm-up {args.warmup}, then up to {args.requests} requests each)")
        print(
            f"  {'page':<12} {'path':<28} {'n':>4} {'median':>10} {'p95':>10}  "
            f"{'median/hello':>12} {'p95/hello':>10}"
        )
        for name, path, _ in pages:
            s = results[name]
            med, p95 = statistics.median(s), percentile(s, 95)
            goal = ""
            if name == "L1 queue":
                goal = "  goal p95 < 50 ms: " + ("met" if p95 < GOAL_QUEUE_P95 else "MISSED")
            print(
                f"  {name:<12} {path:<28} {len(s):>4} {fmt_s(med):>10} {fmt_s(p95):>10}  "
                f"{med / hello:>12.1f} {p95 / hello:>10.1f}{goal}"
            )

        # -- breach flagging --
        pass_now = gen_now + timedelta(minutes=args.backlog_minutes)
        since = f"last pass + {args.backlog_minutes:g} min"
        if args.pass_at:
            pass_now = max(args.pass_at.astimezone(UTC), gen_now)
            since = f"{pass_now.isoformat(timespec='seconds')}, last pass at generation"
        print(
            f"breach flagging: the regular pass + commit, now = {since}, run twice; "
            "then the nightly sweep"
        )
        pass_logs = []
        with app.app_context():
            passes = ((1, flag_recent_breaches), (2, flag_recent_breaches), (3, flag_breaches))
            for k, job in passes:
                with log.capture():
                    began = time.perf_counter()
                    recorded = job(pass_now + timedelta(seconds=k - 1))
                    db.session.commit()
                    elapsed = time.perf_counter() - began
                pass_logs.append(list(log.entries))
                notes = db.session.scalar(
                    select(func.count())
                    .select_from(Notification)
                    .where(Notification.at >= pass_now)
                )
                mails = db.session.scalar(
                    select(func.count())
                    .select_from(OutboxMessage)
                    .where(OutboxMessage.created_at >= pass_now)
                )
                total = sum(recorded.values())
                detail = ", ".join(f"{kind} {v}" for kind, v in recorded.items() if v)
                name = "nightly sweep" if job is flag_breaches else f"pass {k}"
                goal = ""
                if job is flag_recent_breaches:
                    goal = "  goal < 1 s: " + ("met" if elapsed < GOAL_BREACH else "MISSED")
                print(
                    f"  {name}: {fmt_s(elapsed)}  recorded {total:,}"
                    f"{' (' + detail + ')' if detail else ''}; "
                    f"notifications {notes:,}, emails {mails:,} (cumulative){goal}"
                )
            breaches_now = db.session.scalar(select(func.count()).select_from(SlaBreach))
            print(f"  sla_breach rows now: {breaches_now:,}")

            # -- where the time goes --
            print("SQL of one request / pass (slowest statements)")
            db.session.remove()
        with app.app_context():
            for name, _path, paths in pages[1:]:
                with log.capture():
                    client.get(paths(0))
                report_statements(
                    f"{name} {paths(0)}",
                    list(log.entries),
                    top=4,
                    do_explain=args.explain,
                    dialect=dialect,
                )
            report_statements(
                "breach pass 1", pass_logs[0], top=4, do_explain=args.explain, dialect=dialect
            )
            db.session.remove()
        with app.app_context():
            db.engine.dispose()


if __name__ == "__main__":
    main()
