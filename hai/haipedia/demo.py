"""Demo HAIPEDIA articles for `make run`, built from the scopes of the catalog in force:
published public and internal articles, drafts, one waiting for review, a CSO question
and answer in the review queue, a release note, and one past its review date."""

from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy import select

from hai.auth.models import User
from hai.catalog.models import CatalogScope, CatalogService
from hai.catalog.queries import version_in_force
from hai.extensions import db
from hai.haipedia import services
from hai.haipedia.models import Article, ArticleKind, ArticleOrigin, ArticleStatus, Audience
from hai.web.timefmt import today_wib

REG = ("PER-8/PB/2024", "Layanan HAI-DJPb", "Pasal 19")

# Hand-written answers for the questions the contact center hears most.
CURATED: list[tuple[str, str, str, Audience, str]] = [
    (
        "ITSM.01.04.01.a",
        "Lupa kata sandi atau akun SAKTI terkunci",
        "Akun SAKTI terkunci setelah lima kali salah memasukkan kata sandi.\n\n"
        "1. Pada halaman masuk SAKTI pilih **Lupa Password**.\n"
        "2. Masukkan nama pengguna dan email yang terdaftar; kode OTP dikirim ke email itu.\n"
        "3. Bila email sudah tidak aktif, admin satker mengajukan reset melalui HAI-DJPb "
        "dengan surat permohonan yang ditandatangani KPA.\n\n"
        "Reset oleh HAI-DJPb selesai paling lama 1 hari kerja setelah berkas lengkap.",
        Audience.PUBLIC,
        "sakti, kata sandi, otp",
    ),
    (
        "BCSM.02.01.07",
        "Retur SP2D karena rekening penerima tidak aktif",
        "SP2D yang diretur bank dikembalikan ke Rekening Kas Umum Negara.\n\n"
        "- Satker memperbaiki data rekening penerima di SAKTI (Referensi Supplier).\n"
        "- Ajukan **surat permintaan penerbitan SP2D retur** ke KPPN dengan bukti rekening "
        "yang aktif.\n- KPPN menerbitkan SP2D pengganti setelah data supplier disetujui.",
        Audience.PUBLIC,
        "sp2d, retur, rekening",
    ),
    (
        "BCSM.02.01.01",
        "Revisi DIPA: kewenangan Kanwil DJPb dan KPPN",
        "Revisi DIPA yang menjadi kewenangan Kanwil DJPb diajukan melalui aplikasi SAKTI "
        "modul Penganggaran. Lampirkan ADK revisi, surat usulan, dan matriks perubahan.\n\n"
        "Revisi pagu antarprogram bukan kewenangan Kanwil; ajukan ke DJA.",
        Audience.PUBLIC,
        "dipa, revisi anggaran",
    ),
    (
        "ITSM.01.03",
        "Eskalasi gangguan SPAN ke tim SITP (internal)",
        "Gangguan SPAN yang berdampak ke lebih dari satu KPPN dieskalasi ke L2 SITP "
        "dengan prioritas **P1**. Catat nomor insiden pusat data dan jam mulai gangguan.\n\n"
        "Jangan sampaikan perkiraan waktu pulih kepada pengguna sebelum ada pengumuman resmi.",
        Audience.INTERNAL,
        "span, gangguan, eskalasi",
    ),
    (
        "BCSM.02.02.04",
        "Pengembalian penerimaan negara (PMK 188/PMK.05/2021)",
        "Permohonan pengembalian penerimaan negara diajukan wajib bayar/setor kepada "
        "satker pemungut, yang menerbitkan SKTB atau SKPPNBP, lalu SPM pengembalian "
        "diajukan ke KPPN. Sertakan bukti setor dengan NTPN yang valid.",
        Audience.PUBLIC,
        "pnbp, pengembalian, ntpn",
    ),
    (
        "BCSM.02.06.09",
        "Pembayaran gaji ke-13 dan tunjangan kinerja",
        "Gaji ke-13 dibayarkan dengan SPM LS gaji tersendiri. Tunjangan kinerja tidak "
        "termasuk komponen gaji ke-13 kecuali diatur lain dalam PP tahun berjalan.",
        Audience.PUBLIC,
        "gaji, tukin, gaji ke-13",
    ),
]

TEMPLATES = [
    (
        "Cara mengajukan layanan {scope}",
        "Layanan **{scope}** termasuk {service} dan ditangani {unit}.\n\n"
        "1. Sampaikan permintaan melalui Portal HAI-DJPb, email, atau Call Center 14090.\n"
        "2. Sebutkan nama satker, kode satker, dan uraian kebutuhan.\n"
        "3. Lampirkan dokumen pendukung bila diminta petugas.\n\n"
        "Norma waktu penyelesaian: {norm}.",
    ),
    (
        "Pertanyaan umum tentang {scope}",
        "Ringkasan jawaban yang sering diberikan HAI-DJPb untuk **{scope}** "
        "({service}).\n\n- Permintaan diproses sesuai katalog layanan yang berlaku.\n"
        "- Bila membutuhkan tindak lanjut unit teknis, tiket dieskalasi ke {unit}.\n"
        "- Pantau status tiket di Portal HAI-DJPb.",
    ),
    (
        "Kendala {scope} dan cara mengatasinya",
        "Kendala yang sering dilaporkan pada **{scope}**:\n\n"
        "- Data belum muncul karena proses sinkronisasi; tunggu 1 jam lalu muat ulang.\n"
        "- Hak akses pengguna belum sesuai; mintakan penyesuaian ke admin satker.\n\n"
        "Bila kendala berlanjut, ajukan tiket {service} dengan tangkapan layar.",
    ),
]


def _user(email: str) -> User | None:
    return db.session.scalar(select(User).where(User.email == email))


def _scope(version_id: int, code: str) -> tuple[CatalogService, CatalogScope | None] | None:
    scope = db.session.scalar(
        select(CatalogScope)
        .join(CatalogService)
        .where(CatalogService.version_id == version_id, CatalogScope.code == code)
    )
    if scope is not None:
        return scope.service, scope
    service = db.session.scalar(
        select(CatalogService).where(
            CatalogService.version_id == version_id, CatalogService.code == code
        )
    )
    return (service, None) if service is not None else None


def load_demo_articles(*, now: datetime) -> int:
    if db.session.scalar(select(Article.id).limit(1)) is not None:
        return 0
    version = version_in_force(today_wib(now))
    l1, l2, cso = (
        _user("agen1@demo.hai.test"),
        _user("agen2@demo.hai.test"),
        _user("cso@demo.hai.test"),
    )
    manajer = _user("manajer@demo.hai.test")
    if version is None or not all((l1, l2, cso, manajer)):
        return 0
    authors = [l1, l2, cso]
    count = 0

    def add(service, scope, title, body, audience, tags, *, author, state="published", **kw):
        nonlocal count
        article = services.create_article(
            services.ArticleData(
                title=title[:200],
                body=body,
                audience=audience,
                service_code=service.code,
                scope_code=scope.code if scope else "",
                tags=services.parse_tags(tags),
                reg_number=REG[0],
                reg_title=REG[1],
                reg_article=REG[2],
                **kw,
            ),
            actor=author,
            now=now,
            origin=ArticleOrigin.HAI_CSO if state == "cso" else ArticleOrigin.MANUAL,
            status=ArticleStatus.IN_REVIEW if state in ("review", "cso") else ArticleStatus.DRAFT,
        )
        if state == "published":
            services.publish(article, actor=manajer, now=now)
        count += 1
        return article

    for n, (code, title, body, audience, tags) in enumerate(CURATED):
        found = _scope(version.id, code)
        if found:
            add(*found, title, body, audience, tags, author=authors[n % 3])
    # Articles from the catalog's own scopes: three per service, more public than not.
    n = 0
    for service in version.services:
        for scope in [s for s in service.scopes if s.depth == 1][:3]:
            template = TEMPLATES[n % len(TEMPLATES)]
            values = {
                "scope": scope.name,
                "service": service.name,
                "unit": service.responsible_unit_name or "unit teknis terkait",
                "norm": f"{scope.norm_hours or service.norm_hours} jam kerja"
                if (scope.norm_hours or service.norm_hours)
                else "sesuai katalog",
            }
            state = "published" if n % 9 else ("review" if n % 2 else "draft")
            add(
                service,
                scope,
                template[0].format(**values),
                template[1].format(**values),
                Audience.INTERNAL if n % 5 == 4 else Audience.PUBLIC,
                service.code.split(".")[0].lower(),
                author=authors[n % 3],
                state=state,
            )
            n += 1
    release = _scope(version.id, "ITSM.01.04")
    if release:
        add(
            *release,
            "Rilis SAKTI: perbaikan modul Komitmen dan Pembayaran",
            "Perubahan pada rilis ini:\n\n- Perekaman data supplier kini memeriksa NPWP.\n"
            "- Menu monitoring SPM menampilkan status SP2D.\n- Perbaikan cetak ADK.",
            Audience.PUBLIC,
            "sakti, rilis",
            author=l2,
            kind=ArticleKind.RELEASE_NOTE,
        )
    cso_scope = _scope(version.id, "BCSM.02.01")
    if cso_scope:
        add(
            *cso_scope,
            "Syarat pengajuan TUP di akhir tahun anggaran",
            "Dijawab CSO KPPN: TUP diajukan dengan rincian rencana penggunaan dana dan "
            "surat pernyataan KPA; sisa TUP disetor paling lambat akhir tahun.",
            Audience.INTERNAL,
            "tup, akhir tahun",
            author=cso,
            state="cso",
        )
    # One article past its review date, for its owner's list.
    stale = db.session.scalar(
        select(Article).where(Article.status == ArticleStatus.PUBLISHED).order_by(Article.id)
    )
    if stale is not None:
        stale.review_by = today_wib(now) - timedelta(days=10)
    db.session.flush()
    return count
