"""Indonesian search: stems, synonyms, filters, snippets, and one ordering contract on
SQLite and PostgreSQL (the suite runs on both)."""

from __future__ import annotations

from hai.db_types import utcnow
from hai.haipedia import services
from hai.haipedia.models import Audience
from hai.haipedia.search import search
from hai.haipedia.text import analyse, query_terms

BOTH = {Audience.PUBLIC, Audience.INTERNAL}


def titles(db_session, q, audiences=BOTH, **kw) -> list[str]:
    return [h.article.title for h in search(db_session, q, audiences=audiences, **kw).hits]


def test_stemming_matches_word_forms():
    assert analyse("Pembayaran") == ["bayar"]
    assert analyse("perbendaharaan") == ["bendahara"]
    assert [t.term for t in query_terms("pengaduan")] == ["adu"]


def test_pembayaran_finds_bayar_and_back(db_session, write):
    write("Cara bayar tagihan listrik kantor", "Tagihan dibayar dengan SPM LS.")
    write("Jadwal pembayaran gaji ke-13", "Gaji ke-13 dibayarkan bulan Juni.")
    assert titles(db_session, "pembayaran") == [
        "Cara bayar tagihan listrik kantor",
        "Jadwal pembayaran gaji ke-13",
    ]
    assert "Jadwal pembayaran gaji ke-13" in titles(db_session, "bayar")


def test_perbendaharaan_finds_bendahara_and_back(db_session, write):
    write("Tugas bendahara pengeluaran", "Bendahara mengelola uang persediaan.")
    write("Sistem perbendaharaan negara", "Perbendaharaan mencakup kas negara.")
    assert set(titles(db_session, "perbendaharaan")) == {
        "Tugas bendahara pengeluaran",
        "Sistem perbendaharaan negara",
    }
    assert set(titles(db_session, "bendahara")) == set(titles(db_session, "perbendaharaan"))


def test_abbreviations_and_their_long_forms_are_one_term(db_session, write):
    write("Retur SP2D karena rekening tidak aktif", "Ajukan perbaikan rekening ke KPPN.")
    write("Surat Perintah Membayar yang ditolak", "Periksa kembali berkas yang diunggah.")
    assert titles(db_session, "surat perintah pencairan dana") == [
        "Retur SP2D karena rekening tidak aktif"
    ]
    assert titles(db_session, "spm ditolak")[0] == "Surat Perintah Membayar yang ditolak"
    assert "Retur SP2D karena rekening tidak aktif" in titles(
        db_session, "kantor pelayanan perbendaharaan negara"
    )


# The fixture corpus of the cross-database contract: the expected order is written out
# here and checked on SQLite and on PostgreSQL alike.
CORPUS = [
    ("Retur SP2D gaji pegawai", "SP2D gaji diretur bank karena rekening pegawai tidak aktif."),
    ("Rekening bendahara pengeluaran", "Pembukaan rekening bendahara untuk pembayaran gaji."),
    ("Pembayaran gaji melalui SP2D", "Gaji dibayar dengan SP2D setelah SPM disetujui KPPN."),
    ("Revisi DIPA satker", "Revisi DIPA diajukan ke Kanwil DJPb, bukan ke KPPN."),
    ("Gaji pegawai baru", "Pegawai baru menerima gaji pertama setelah SK terbit."),
    ("Lupa kata sandi SAKTI", "Gunakan menu lupa password pada halaman masuk SAKTI."),
]


def test_same_top_results_on_every_database(db_session, write):
    ids = [write(t, b).id for t, b in CORPUS]
    by_id = dict(zip(ids, [t for t, _ in CORPUS], strict=True))
    hits = search(db_session, "pembayaran gaji pegawai", audiences=BOTH).hits
    # bayar and pegawai are in 2 articles each, gaji in 4: two of the three terms in the
    # title scores the same for the first three, which then come oldest first.
    assert [by_id[h.article.id] for h in hits] == [
        "Retur SP2D gaji pegawai",  # gaji + pegawai in the title
        "Pembayaran gaji melalui SP2D",  # bayar + gaji in the title
        "Gaji pegawai baru",  # gaji + pegawai in the title
        "Rekening bendahara pengeluaran",  # bayar + gaji in the body only
    ]
    assert hits[0].score == hits[1].score == hits[2].score > hits[3].score
    assert [by_id[h.article.id] for h in search(db_session, "sp2d", audiences=BOTH).hits] == [
        "Retur SP2D gaji pegawai",
        "Pembayaran gaji melalui SP2D",
    ]
    assert [by_id[h.article.id] for h in search(db_session, "kata sandi", audiences=BOTH).hits] == [
        "Lupa kata sandi SAKTI"
    ]


def test_filters_by_service_and_audience(db_session, write):
    write("Reset pengguna SAKTI", service_code="ITSM.01.04")
    write("Reset pengguna SPAN", service_code="ITSM.01.03")
    write("Reset pengguna internal", audience=Audience.INTERNAL)
    assert titles(db_session, "reset pengguna", service_code="ITSM.01.04") == [
        "Reset pengguna SAKTI"
    ]
    assert "Reset pengguna internal" not in titles(
        db_session, "reset pengguna", audiences={Audience.PUBLIC}
    )
    assert titles(db_session, "reset pengguna", audiences={Audience.INTERNAL}) == [
        "Reset pengguna internal"
    ]


def test_snippets_are_highlighted_and_escaped(db_session, write):
    write("Pencairan dana <b>darurat</b>", "Dana dicairkan <script>alert(1)</script> segera.")
    [hit] = search(db_session, "pencairan", audiences=BOTH).hits
    assert "<mark>Pencairan</mark>" in hit.title_html
    assert "&lt;b&gt;darurat" in hit.title_html
    assert "<mark>dicairkan</mark>" in hit.snippet_html
    assert "<script>" not in hit.snippet_html


def test_typing_matches_the_last_word_as_a_prefix(db_session, write):
    write("Rekonsiliasi eksternal semester I")
    assert titles(db_session, "rekons", typing=True) == ["Rekonsiliasi eksternal semester I"]
    assert titles(db_session, "rekons") == []


def test_only_the_live_revision_is_searchable(db_session, write, people):
    draft = write("Draf tentang uang persediaan", publish=False)
    assert titles(db_session, "persediaan") == []
    article = write("Syarat TUP akhir tahun", "Ajukan TUP ke KPPN.")
    services.edit_article(
        article,
        services.ArticleData(title="Syarat GUP akhir tahun", body="GUP.", audience=Audience.PUBLIC),
        actor=people["l1"],
        now=utcnow(),
    )
    db_session.commit()
    assert article.title == "Syarat GUP akhir tahun"  # the working copy
    # Readers and search still see the published revision until the edit is published.
    hit = search(db_session, "tup", audiences=BOTH).hits[0]
    assert hit.article.live_revision.title == "Syarat TUP akhir tahun"
    assert search(db_session, "gup", audiences=BOTH).hits == []
    services.publish(article, actor=people["manajer"], now=utcnow())
    db_session.commit()
    assert search(db_session, "tup", audiences=BOTH).hits == []
    assert titles(db_session, "gup") == ["Syarat GUP akhir tahun"]
    services.archive(article, "", actor=people["manajer"], now=utcnow())
    db_session.commit()
    assert titles(db_session, "persediaan") == []
    assert draft.id
