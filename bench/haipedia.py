"""HAIPEDIA search at scale: latency and relevance on 50,000 generated Indonesian articles.

Builds a fresh database (a temporary SQLite file, or PostgreSQL from
HAI_BENCH_DATABASE_URL / HAI_TEST_DATABASE_URL, whose schema ``public`` is dropped and
recreated), runs the migrations and the reference data (the catalog), then generates
published articles with bulk inserts: one *target* article per catalog scope (its title
is the scope's name, its body the service, the responsible unit and a few procedural
sentences), and the rest *noise* articles whose titles and bodies mix words of random
scopes with the domain's vocabulary, 80 % public, all indexed through the same
``search.index_row`` as the application.

Measured in one run, on the same index:
- ``search()`` as the pages call it: stemming and synonyms, the ranking contract, the
  article rows and the highlighted snippets of the top 10;
- a bare FTS query: the same terms ORed, ranked by the database's own function
  (``bm25`` / ``ts_rank``), top 10 ids only;
and the ratio of their medians and p95s. Goal (issue 8): p95 under 30 ms.

Relevance: recall@5 on query → expected-article pairs written below from the catalog's
scope names (in the words a user would type, not the scope's own wording).

Run:
  python -m bench.haipedia [--articles N]              # SQLite, 50,000
  bash scripts/with-postgres.sh python -m bench.haipedia  # PostgreSQL
"""

from __future__ import annotations

import argparse
import os
import random
import statistics
import tempfile
import time
from collections.abc import Callable, Sequence
from datetime import UTC, datetime, timedelta
from pathlib import Path

GOAL_P95 = 0.030


def words(text: str) -> list[str]:
    return text.split()


SEED = 20261201

# (what a user types, the scope whose target article answers it)
PAIRS: list[tuple[str, str]] = [
    ("cara revisi dipa", "BCSM.02.01.01"),
    ("pembayaran belanja dari pnbp", "BCSM.02.01.04"),
    ("pembatalan spm dan sp2d", "BCSM.02.01.07"),
    ("perjalanan dinas ke luar negeri", "BCSM.02.01.10"),
    ("perjalanan dinas dalam negeri", "BCSM.02.01.09"),
    ("dana desa dan bos", "BCSM.02.01.16"),
    ("pembayaran uang persediaan tup", "BCSM.02.01.03"),
    ("kartu kredit pemerintah", "BCSM.02.01.15"),
    ("nilai ikpa satker", "BCSM.02.01.17"),
    ("pembayaran thr", "BCSM.02.01.18"),
    ("uang makan dan lembur pns", "BCSM.02.01.14"),
    ("rencana penarikan dana", "BCSM.02.02.01"),
    ("pengembalian penerimaan negara", "BCSM.02.02.04"),
    ("sp2d diretur", "BCSM.02.02.12"),
    ("billing mpn", "BCSM.02.02.14"),
    ("bank penyalur gaji", "BCSM.02.02.13"),
    ("rekening penampungan akhir tahun", "BCSM.02.02.16"),
    ("penyaluran kredit usaha rakyat", "BCSM.02.03.08"),
    ("pembiayaan ultra mikro umi", "BCSM.02.03.07"),
    ("tarif blu", "BCSM.02.04.02"),
    ("remunerasi badan layanan umum", "BCSM.02.04.03"),
    ("standar akuntansi pemerintahan", "BCSM.02.05.01"),
    ("bagan akun standar", "BCSM.02.05.02"),
    ("penyusunan lkpp", "BCSM.02.05.05"),
    ("sertifikasi ppk ppspm", "BCSM.02.06.10"),
    ("peraturan gaji pegawai", "BCSM.02.06.09"),
    ("pengelolaan user sakti", "ITSM.01.04.01.a"),
    ("reset password sakti", "ITSM.01.04.01.b"),
    ("menu sakti tidak muncul", "ITSM.01.04.01.c"),
    ("selisih rekonsiliasi sakti span", "ITSM.01.04.04.d"),
    ("buka periode sakti", "ITSM.01.04.04.g"),
    ("laporan harta kekayaan lhkpn", "BCSM.01.61"),
    ("aplikasi hris", "BCSM.01.34"),
    ("manajemen risiko", "BCSM.01.49"),
    ("anti penyuapan iso 37001", "BCSM.01.52"),
    ("pengendalian gratifikasi", "BCSM.01.59"),
    ("mutasi pegawai", "BCSM.01.30"),
    ("tugas belajar beasiswa", "BCSM.01.26"),
    ("standar operasional prosedur", "BCSM.01.11"),
    ("penghargaan pegawai", "BCSM.01.23"),
]
# More questions for latency: short, long, abbreviations, as typed (prefix).
EXTRA = [
    "gaji",
    "pembayaran gaji pegawai",
    "sp2d",
    "lupa kata sandi sakti",
    "surat perintah pencairan dana belum terbit padahal spm sudah diajukan ke kppn",
    "bagaimana cara mengajukan revisi anggaran dipa satker di kanwil",
    "rekonsiliasi",
    "kppn",
]
TYPING = ["pemba", "rekons", "revisi di", "kartu kre"]

FILLER = words(
    "satker mengajukan permohonan melalui aplikasi sesuai ketentuan yang berlaku agar "
    "proses penyelesaian dapat dilakukan tepat waktu oleh petugas kantor pelayanan "
    "dokumen pendukung dilampirkan dalam bentuk pindaian surat yang ditandatangani kuasa "
    "pengguna anggaran kemudian diverifikasi dan dicatat pada sistem sebelum diteruskan "
    "kepada unit teknis apabila terdapat kendala pengguna dapat menghubungi layanan "
    "informasi melalui kanal resmi pembayaran tagihan dana data rekening laporan bulanan "
    "pegawai bendahara pengeluaran penerimaan setoran akhir tahun anggaran periode"
)
DOMAIN = words(
    "sp2d spm spp dipa sakti span omspan kppn kanwil satker pnbp ntpn billing gaji tukin "
    "rekening supplier bendahara komitmen revisi rekonsiliasi pagu realisasi pembayaran "
    "pencairan retur setoran pelaporan akuntansi aset hibah blu investasi kredit"
)
TITLE_OPENERS = ["Cara", "Panduan", "Kendala", "Syarat", "Tanya jawab", "Ketentuan", "Alur"]


def percentile(samples: Sequence[float], q: float) -> float:
    ordered = sorted(samples)
    k = (len(ordered) - 1) * q
    lo, hi = int(k), min(int(k) + 1, len(ordered) - 1)
    return ordered[lo] + (ordered[hi] - ordered[lo]) * (k - lo)


def ms(seconds: float) -> str:
    return f"{seconds * 1000:.2f} ms"


def reset_schema(url: str) -> None:
    from sqlalchemy import text

    from hai.extensions import db

    if url.startswith("postgresql"):
        with db.engine.begin() as conn:
            conn.execute(text("DROP SCHEMA public CASCADE"))
            conn.execute(text("CREATE SCHEMA public"))


def vocabulary() -> tuple[list[str], list[float]]:
    """Words of the catalog and SLA texts, weighted by the square root of their count:
    a few words in half the articles, most in a few percent (a Zipf-like spread)."""
    import re
    from collections import Counter

    seeds = Path(__file__).resolve().parent.parent / "hai" / "catalog" / "seeds"
    counts: Counter[str] = Counter()
    for path in sorted(seeds.glob("*.txt")):
        counts.update(
            w for w in re.findall(r"[a-z]+", path.read_text(encoding="utf-8").lower()) if len(w) > 3
        )
    counts.update({w: 4 for w in FILLER + DOMAIN})
    ordered = sorted(counts)
    return ordered, [counts[w] ** 0.5 for w in ordered]


def generate(n_articles: int, rng: random.Random, scopes, author_id: int, now: datetime):
    """(targets: scope code -> article id, rows: article dicts in insertion order)."""
    from hai.haipedia.models import ArticleKind, Audience

    vocab, weights = vocabulary()

    rows = []
    targets: dict[str, int] = {}

    def row(title, body, scope, audience):
        n = len(rows) + 1
        rows.append(
            {
                "id": n,
                "title": title[:200],
                "body": body,
                "service_code": scope.service.code,
                "scope_code": scope.code,
                "scope_name": scope.name[:500],
                "audience": audience,
                "kind": ArticleKind.ARTICLE,
                "at": now - timedelta(minutes=n_articles - n),
            }
        )
        return n

    names = [s.name.split() for s in scopes]
    for scope in scopes:
        unit = scope.service.responsible_unit_name or "unit teknis"
        body = f"{scope.name} termasuk {scope.service.name} yang ditangani {unit}. " + " ".join(
            rng.choice(FILLER) for _ in range(40)
        )
        targets[scope.code] = row(scope.name, body, scope, Audience.PUBLIC)
    while len(rows) < n_articles:
        scope = rng.choice(scopes)
        a, b = rng.choice(names), rng.choice(names)
        title_words = [rng.choice(TITLE_OPENERS)] + rng.sample(a, min(2, len(a)))
        title_words += rng.sample(b, min(2, len(b))) + [rng.choice(DOMAIN)]
        body_words = rng.choices(vocab, weights, k=50)
        body_words += [rng.choice(DOMAIN) for _ in range(4)]
        body_words += rng.choice(names) + rng.choice(names)
        rng.shuffle(body_words)
        audience = Audience.PUBLIC if rng.random() < 0.8 else Audience.INTERNAL
        row(" ".join(title_words), " ".join(body_words).capitalize() + ".", scope, audience)
    return targets, rows


class _Rev:
    """What ``search.index_row`` reads of a revision."""

    def __init__(self, values: dict):
        self.__dict__.update(values)


def _common(r: dict) -> dict:
    return {
        "kind": r["kind"],
        "title": r["title"],
        "body": r["body"],
        "service_code": r["service_code"],
        "scope_code": r["scope_code"],
        "scope_name": r["scope_name"],
        "tags": [],
        "reg_number": "",
        "reg_title": "",
        "reg_article": "",
        "audience": r["audience"],
    }


def load(session, rows, author_id: int, batch: int = 2000) -> None:
    """Articles, their one revision (live) and index rows, in bulk inserts."""
    from sqlalchemy import insert, update

    from hai.haipedia import search
    from hai.haipedia.models import Article, ArticleOrigin, ArticleRevision, ArticleStatus

    articles = Article.__table__
    for start in range(0, len(rows), batch):
        chunk = rows[start : start + batch]
        session.execute(
            insert(articles),
            [
                {
                    **_common(r),
                    "id": r["id"],
                    "origin": ArticleOrigin.MANUAL,
                    "status": ArticleStatus.PUBLISHED,
                    "owner_id": author_id,
                    "created_at": r["at"],
                    "created_by_id": author_id,
                    "updated_at": r["at"],
                    "published_at": r["at"],
                    "published_by_id": author_id,
                    "row_version": 1,
                }
                for r in chunk
            ],
        )
        session.execute(
            insert(ArticleRevision.__table__),
            [
                {
                    **_common(r),
                    "id": r["id"],
                    "article_id": r["id"],
                    "number": 1,
                    "author_id": author_id,
                    "author_label": "Bench",
                    "created_at": r["at"],
                    "note": "",
                }
                for r in chunk
            ],
        )
        session.execute(
            update(articles)
            .where(articles.c.id.between(chunk[0]["id"], chunk[-1]["id"]))
            .values(live_revision_id=articles.c.id)
        )
        search.write_rows(session, [search.index_row(r["id"], _Rev(_common(r))) for r in chunk])
        session.commit()


def bare_query(session, q: str):
    """The same terms ORed, ranked by the database's own function: top 10 ids."""
    from sqlalchemy import text

    from hai.haipedia.text import query_terms

    terms = query_terms(q)
    if not terms:
        return []
    if session.get_bind().dialect.name == "postgresql":
        tsq = " | ".join(t.term for t in terms)
        return session.scalars(
            text(
                "SELECT article_id FROM article_fts, to_tsquery('simple', :q) query "
                "WHERE doc_tsv @@ query ORDER BY ts_rank(doc_tsv, query) DESC LIMIT 10"
            ),
            {"q": tsq},
        ).all()
    match = " OR ".join(f'"{t.term}"' for t in terms)
    return session.scalars(
        text("SELECT rowid FROM article_fts WHERE article_fts MATCH :q ORDER BY rank LIMIT 10"),
        {"q": match},
    ).all()


def timed(func: Callable[[], object], repeat: int) -> list[float]:
    func()  # warm
    out = []
    for _ in range(repeat):
        began = time.perf_counter()
        func()
        out.append(time.perf_counter() - began)
    return out


def main(argv: Sequence[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--articles", type=int, default=50_000)
    parser.add_argument("--repeat", type=int, default=5, help="timed runs per query")
    parser.add_argument("--seed", type=int, default=SEED)
    args = parser.parse_args(argv)

    from flask_migrate import upgrade

    from hai import create_app
    from hai.auth.roles import Role
    from hai.auth.services import create_user
    from hai.catalog.queries import version_in_force
    from hai.config import TestingConfig
    from hai.db_types import utcnow
    from hai.extensions import db
    from hai.haipedia.models import Audience
    from hai.haipedia.search import search
    from hai.reference import load_reference_data
    from hai.web.timefmt import today_wib

    url = os.environ.get("HAI_BENCH_DATABASE_URL") or os.environ.get("HAI_TEST_DATABASE_URL")
    rng = random.Random(args.seed)
    with tempfile.TemporaryDirectory() as tmp:
        url = url or f"sqlite:///{Path(tmp) / 'haipedia.db'}"
        app = create_app(
            TestingConfig,
            {
                "SQLALCHEMY_DATABASE_URI": url,
                "INSTANCE_PATH": tmp,
                "UPLOAD_FOLDER": str(Path(tmp) / "uploads"),
            },
        )
        with app.app_context():
            dialect = db.engine.dialect.name
            reset_schema(url)
            upgrade()
            now = datetime.now(UTC)
            load_reference_data(now=utcnow())
            author = create_user(
                email="bench@test.hai",
                name="Bench",
                password="bench-password-123",  # noqa: S106
                roles=(Role.MANAJER_LAYANAN,),
                now=now,
                actor=None,
                actor_label="bench",
            )
            db.session.commit()
            version = version_in_force(today_wib(now))
            scopes = [s for svc in version.services for s in svc.scopes]
            began = time.perf_counter()
            targets, rows = generate(args.articles, rng, scopes, author.id, now)
            load(db.session, rows, author.id)
            if dialect == "postgresql":
                with db.engine.begin() as conn:
                    conn.exec_driver_sql("ANALYZE")
            else:
                with db.engine.begin() as conn:
                    conn.exec_driver_sql("INSERT INTO article_fts(article_fts) VALUES('optimize')")
                    conn.exec_driver_sql("ANALYZE")
            build_s = time.perf_counter() - began
            public = {Audience.PUBLIC}

            def run(q: str, typing: bool = False):
                return search(db.session, q, audiences=public, typing=typing, limit=10)

            questions = [q for q, _ in PAIRS] + EXTRA
            full, bare = [], []
            for q in questions:
                full += timed(lambda q=q: run(q), args.repeat)
                bare += timed(lambda q=q: bare_query(db.session, q), args.repeat)
            for q in TYPING:
                full += timed(lambda q=q: run(q, True), args.repeat)
            hits = misses = 0
            missed = []
            for q, code in PAIRS:
                if code not in targets:
                    continue
                top = [h.article.id for h in run(q).hits[:5]]
                if targets[code] in top:
                    hits += 1
                else:
                    misses += 1
                    missed.append(q)
            db.session.remove()

    n = len(rows)
    med_f, p95_f = statistics.median(full), percentile(full, 0.95)
    med_b, p95_b = statistics.median(bare), percentile(bare, 0.95)
    print(f"HAIPEDIA search on {dialect}: {n:,} articles ({len(targets)} scope targets), "
          f"built and indexed in {build_s:.1f} s")  # fmt: skip
    verdict = "met" if p95_f < GOAL_P95 else "NOT met"
    print(f"  search() (rank + rows + snippets), {len(full)} runs: median {ms(med_f)}, "
          f"p95 {ms(p95_f)}  (goal p95 < {ms(GOAL_P95)}: {verdict})")  # fmt: skip
    print(f"  bare FTS top-10 ({'ts_rank' if dialect == 'postgresql' else 'bm25'}), "
          f"{len(bare)} runs: median {ms(med_b)}, p95 {ms(p95_b)}")  # fmt: skip
    print(f"  ratio search/bare: median {med_f / med_b:.1f}x, p95 {p95_f / p95_b:.1f}x")
    total = hits + misses
    print(f"  recall@5 on {total} query -> article pairs: {hits / total:.2f} ({hits}/{total})")
    if missed:
        print("  missed: " + "; ".join(missed))


if __name__ == "__main__":
    main()
