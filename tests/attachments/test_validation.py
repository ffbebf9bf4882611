"""check_upload: allow-list, content sniffing, archive inspection, display names."""

from __future__ import annotations

import io
import time
import zipfile

import pytest

from hai.attachments import validation
from hai.attachments.validation import (
    ALLOWED_EXTENSIONS,
    MAX_BYTES,
    check_upload,
    display_name,
)
from hai.errors import RuleError
from tests.attachments.conftest import SAMPLES, make_zip

MISMATCH = "isi berkas tidak sesuai dengan ekstensinya"


def check_path(path, filename=None):
    with path.open("rb") as fh:
        head = fh.read(validation.HEAD_BYTES)
    return check_upload(filename or path.name, head, path, path.stat().st_size)


def refused(path, filename=None) -> RuleError:
    with pytest.raises(RuleError) as info:
        check_path(path, filename)
    assert info.value.field == "attachments"
    return info.value


def test_limits_are_the_documented_ones():
    assert MAX_BYTES == 15 * 1024 * 1024
    assert set(ALLOWED_EXTENSIONS) == set(
        [
            "doc",
            "docx",
            "gif",
            "jpeg",
            "jpg",
            "pdf",
            "png",
            "ppt",
            "pptx",
            "rar",
            "txt",
            "xls",
            "xlsx",
            "zip",
        ]
    )
    assert set(SAMPLES) == set(ALLOWED_EXTENSIONS)


@pytest.mark.parametrize("ext", sorted(SAMPLES))
def test_each_allowed_type_is_accepted_from_disk(ext, write_file):
    path = write_file(f"berkas.{ext}", SAMPLES[ext])
    detected = check_path(path)
    assert detected.extension == ext
    assert detected.content_type == validation.CONTENT_TYPES[ext]
    assert detected.display_name == f"berkas.{ext}"


@pytest.mark.parametrize("ext", ["pdf", "docx", "txt"])
def test_a_seekable_stream_works_too(ext):
    data = SAMPLES[ext]
    stream = io.BytesIO(data)
    assert check_upload(f"a.{ext}", data[:16], stream, len(data)).extension == ext
    assert stream.tell() == 0


def test_extension_is_case_insensitive(write_file):
    assert check_path(write_file("LAPORAN.PDF", SAMPLES["pdf"])).extension == "pdf"


def test_content_types():
    assert validation.CONTENT_TYPES["jpg"] == validation.CONTENT_TYPES["jpeg"] == "image/jpeg"
    assert validation.CONTENT_TYPES["txt"] == "text/plain; charset=utf-8"
    assert all(len(ct) <= 100 for ct in validation.KNOWN_CONTENT_TYPES)  # column width


def test_empty_file_is_refused(write_file):
    assert "kosong" in refused(write_file("kosong.pdf", b"")).message


def test_one_byte_over_15_mb_is_refused(tmp_path):
    path = tmp_path / "besar.pdf"
    with path.open("wb") as fh:  # sparse: nothing big is written or held in memory
        fh.write(b"%PDF-1.4\n")
        fh.truncate(MAX_BYTES + 1)
    assert "15 MB" in refused(path).message
    with path.open("r+b") as fh:
        fh.truncate(MAX_BYTES)
    assert check_path(path).extension == "pdf"


@pytest.mark.parametrize(
    "filename",
    [
        "program.exe",
        "gambar.svg",
        "halaman.html",
        "skrip.js",
        "tanpa_ekstensi",
        "arsip.tar.gz",
        "x.",
    ],
)
def test_extensions_off_the_list_are_refused(filename, write_file):
    error = refused(write_file("f.bin", b"%PDF-1.4 whatever"), filename)
    assert "Jenis berkas tidak diizinkan" in error.message


@pytest.mark.parametrize(
    "filename, data",
    [
        ("foto.pdf", SAMPLES["png"]),  # a PNG renamed .pdf
        ("program.pdf", b"MZ\x90\x00\x03\x00\x00\x00\x04\x00" + b"\x00" * 100),  # an .exe
        ("gambar.png", b'<svg xmlns="http://www.w3.org/2000/svg" onload="alert(1)"/>'),
        ("dokumen.jpg", SAMPLES["pdf"]),
        ("lembar.xls", SAMPLES["docx"]),
        ("arsip.rar", SAMPLES["zip"]),
        ("surat.docx", SAMPLES["zip"]),  # a plain zip is not a Word document
        ("surat.docx", SAMPLES["xlsx"]),  # nor is a workbook
        ("tabel.xlsx", SAMPLES["pptx"]),
        ("paparan.pptx", SAMPLES["docx"]),
        ("surat.docx", SAMPLES["doc"]),  # legacy Word is not OOXML
    ],
)
def test_disguised_content_is_refused(filename, data, write_file):
    error = refused(write_file("upload.bin", data), filename)
    assert MISMATCH in error.message.lower()


@pytest.mark.parametrize(
    "data",
    [
        b"<html><body><script>alert(1)</script></body></html>",
        b"Halo\n<SCRIPT>alert(document.cookie)</SCRIPT>",
        b'<?xml version="1.0"?>\n<svg xmlns="http://www.w3.org/2000/svg" onload="alert(1)"/>',
        b"\xef\xbb\xbf<!DOCTYPE html>\n<p>hai</p>",
        b"catatan\n" * 50 + b'<svg/onload="alert(1)">',
        b"<iframe src=https://contoh.test></iframe>",
    ],
)
def test_html_svg_or_script_named_txt_is_refused(data, write_file):
    error = refused(write_file("catatan.txt", data))
    assert "HTML" in error.message


@pytest.mark.parametrize(
    "data",
    [
        b"a\x00b",  # NUL bytes
        "teks UTF-16".encode("utf-16"),
        b"\x01\x02\x03\x04 binary \xff\xfe\x80\x81",
        SAMPLES["png"],
    ],
)
def test_binary_named_txt_is_refused(data, write_file):
    refused(write_file("catatan.txt", data))


def test_text_encodings(write_file):
    utf8 = "Kementerian Keuangan — Direktorat Jenderal Perbendaharaan; nilai a < b > c\n"
    assert check_path(write_file("u.txt", utf8.encode())).content_type == (
        "text/plain; charset=utf-8"
    )
    bom = write_file("bom.txt", b"\xef\xbb\xbf" + utf8.encode())
    assert check_path(bom).content_type == "text/plain; charset=utf-8"
    latin1 = write_file("l.txt", "Résumé de la requête: ½ ñ\r\n".encode("latin-1"))
    assert check_path(latin1).content_type == "text/plain; charset=iso-8859-1"


def test_multibyte_character_across_read_chunks_is_valid_utf8(write_file):
    data = b"a" * (64 * 1024 - 1) + "é".encode() + b"z"
    assert check_path(write_file("panjang.txt", data)).content_type.endswith("utf-8")


# --- archives -------------------------------------------------------------------------


@pytest.fixture(scope="module")
def zip_bomb(tmp_path_factory):
    """One entry of 50 MB of zeros: about 50 KB on disk, a compression ratio near 1000."""
    path = tmp_path_factory.mktemp("bomb") / "bom.zip"
    zero = bytes(1024 * 1024)
    with (
        zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive,
        archive.open("nol.bin", "w") as entry,
    ):
        for _ in range(50):
            entry.write(zero)
    return path


@pytest.mark.parametrize("filename", ["bom.zip", "bom.docx"])
def test_zip_bomb_is_refused_from_the_directory_alone(zip_bomb, filename, monkeypatch):
    assert zip_bomb.stat().st_size < 1024 * 1024

    def no_decompression(*args, **kwargs):
        raise AssertionError("the archive must not be decompressed")

    monkeypatch.setattr(zipfile.ZipFile, "open", no_decompression)
    monkeypatch.setattr(zipfile.ZipFile, "extractall", no_decompression)
    started = time.perf_counter()
    error = refused(zip_bomb, filename)
    assert time.perf_counter() - started < 2
    assert "rasio kompresi" in error.message


def test_archive_with_more_than_1000_entries_is_refused(write_file):
    many = {f"f{i}.txt": b"x" for i in range(1001)}
    assert "1.000" in refused(write_file("banyak.zip", make_zip(many))).message
    many.pop("f0.txt")
    assert check_path(write_file("cukup.zip", make_zip(many))).extension == "zip"


def test_archive_over_100_mb_uncompressed_is_refused(write_file, monkeypatch):
    assert validation.MAX_ARCHIVE_TOTAL == 100 * 1024 * 1024
    monkeypatch.setattr(validation, "MAX_ARCHIVE_TOTAL", 1000)
    data = make_zip({"a.bin": bytes(range(256)) * 2, "b.bin": bytes(range(256)) * 2})
    assert "100 MB" in refused(write_file("besar.zip", data)).message


@pytest.mark.parametrize(
    "member",
    [
        "../evil.txt",
        "a/../../evil.txt",
        "/etc/passwd",
        "..\\evil.txt",
        "C:\\Windows\\evil.txt",
        "\\\\server\\x",
    ],
)
@pytest.mark.parametrize("ext", ["zip", "docx"])
def test_traversal_names_in_archives_are_refused(member, ext, write_file):
    members = {"[Content_Types].xml": b"<Types/>", "word/document.xml": b"<w/>", member: b"x"}
    error = refused(write_file(f"arsip.{ext}", make_zip(members)))
    assert "tidak aman" in error.message


def test_dots_inside_names_are_fine(write_file):
    data = make_zip({"laporan..final.txt": b"ok", "folder.v2/a.txt": b"ok"})
    assert check_path(write_file("titik.zip", data)).extension == "zip"


@pytest.mark.parametrize(
    "data", [b"PK\x03\x04" + b"\x00" * 60, b"PK\x03\x04 not really a zip", SAMPLES["zip"][:-30]]
)
def test_corrupt_archive_is_refused(data, write_file):
    assert "rusak" in refused(write_file("rusak.zip", data)).message


# --- display names --------------------------------------------------------------------


def test_xss_looking_name_with_real_jpeg_is_accepted_as_is(write_file):
    name = '"><svg onload=alert(1)>.jpg'
    detected = check_path(write_file("foto.jpg", SAMPLES["jpg"]), name)
    assert detected.extension == "jpg"
    assert detected.content_type == "image/jpeg"
    # Nothing to strip: it is text, and templates escape it.
    assert detected.display_name == name


@pytest.mark.parametrize(
    "raw, shown",
    [
        ("C:\\Users\\budi\\Desktop\\laporan.pdf", "laporan.pdf"),
        ("../../etc/passwd.pdf", "passwd.pdf"),
        ("lap\x00or\x1ban  \t akhir\n.pdf", "laporan akhir.pdf"),
        ("  surat\r\nkuasa  .pdf", "surat kuasa.pdf"),
        ("tagihan\u202efdp.jpg", "tagihanfdp.jpg"),  # right-to-left override
        ("nota\u200b dinas.docx", "nota dinas.docx"),  # zero-width space
        (".pdf", "lampiran.pdf"),
        ("Surat Édité.pdf", "Surat Édité.pdf"),
    ],
)
def test_display_name_is_sanitised(raw, shown):
    assert display_name(raw) == shown


def test_display_name_is_at_most_200_characters_and_keeps_the_extension():
    shown = display_name("a" * 300 + ".pdf")
    assert len(shown) == 200
    assert shown.endswith("aaa.pdf")
    assert len(display_name("b" * 500)) == 200
