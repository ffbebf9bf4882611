"""Fixtures for attachment tests: tiny but real files of every allowed type."""

from __future__ import annotations

import io
import struct
import zipfile
import zlib
from pathlib import Path

import pytest
from werkzeug.datastructures import FileStorage


def _png() -> bytes:
    def chunk(kind: bytes, data: bytes) -> bytes:
        return (
            struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))
        )

    ihdr = struct.pack(">IIBBBBB", 1, 1, 8, 6, 0, 0, 0)  # 1x1 RGBA
    idat = zlib.compress(b"\x00\xff\x00\x00\xff")
    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", ihdr) + chunk(b"IDAT", idat) + chunk(b"IEND", b"")


def _jpeg() -> bytes:
    """A 1x1 grey baseline JPEG: one block, DC difference 0, end of block."""
    one_code = b"\x01" + b"\x00" * 15 + b"\x00"  # a single 1-bit code for symbol 0
    return b"".join(
        [
            b"\xff\xd8",
            b"\xff\xe0\x00\x10JFIF\x00\x01\x01\x00\x00\x01\x00\x01\x00\x00",
            b"\xff\xdb\x00\x43\x00" + b"\x01" * 64,
            b"\xff\xc0\x00\x0b\x08\x00\x01\x00\x01\x01\x01\x11\x00",
            b"\xff\xc4\x00\x14\x00" + one_code,
            b"\xff\xc4\x00\x14\x10" + one_code,
            b"\xff\xda\x00\x08\x01\x01\x00\x00\x3f\x00",
            b"\x3f",
            b"\xff\xd9",
        ]
    )


GIF = (
    b"GIF89a\x01\x00\x01\x00\x80\x00\x00\x00\x00\x00\xff\xff\xff!\xf9\x04\x01\x00\x00\x00\x00"
    b",\x00\x00\x00\x00\x01\x00\x01\x00\x00\x02\x02D\x01\x00;"
)


def _pdf() -> bytes:
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 200 200] >>",
    ]
    out = bytearray(b"%PDF-1.4\n")
    offsets = []
    for number, body in enumerate(objects, start=1):
        offsets.append(len(out))
        out += b"%d 0 obj\n" % number + body + b"\nendobj\n"
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    for offset in offsets:
        out += b"%010d 00000 n \n" % offset
    out += b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (
        len(objects) + 1,
        xref,
    )
    return bytes(out)


def make_zip(members: dict[str, bytes]) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, data in members.items():
            archive.writestr(zipfile.ZipInfo(name), data, compress_type=zipfile.ZIP_DEFLATED)
    return buffer.getvalue()


def _ooxml(folder: str, part: str) -> bytes:
    return make_zip(
        {
            "[Content_Types].xml": b'<?xml version="1.0"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"/>',
            "_rels/.rels": b'<?xml version="1.0"?><Relationships/>',
            f"{folder}/{part}": b'<?xml version="1.0"?><root/>',
        }
    )


OLE2 = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 504

SAMPLES: dict[str, bytes] = {
    "pdf": _pdf(),
    "png": _png(),
    "jpg": _jpeg(),
    "jpeg": _jpeg(),
    "gif": GIF,
    "docx": _ooxml("word", "document.xml"),
    "xlsx": _ooxml("xl", "workbook.xml"),
    "pptx": _ooxml("ppt", "presentation.xml"),
    "zip": make_zip({"laporan/catatan.txt": b"Catatan rapat.\n" * 10, "data.csv": b"a,b\n1,2\n"}),
    "doc": OLE2,
    "xls": OLE2,
    "ppt": OLE2,
    "rar": b"Rar!\x1a\x07\x01\x00" + b"\x00" * 32,
    "txt": b"Mohon bantuan: SP2D belum terbit sejak Senin.\nTerima kasih.\n",
}


@pytest.fixture
def samples() -> dict[str, bytes]:
    return dict(SAMPLES)


@pytest.fixture
def write_file(tmp_path):
    """Write bytes to a file under the test's temp dir and return its path."""

    def write(name: str, data: bytes) -> Path:
        path = tmp_path / "in" / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(data)
        return path

    return write


@pytest.fixture
def upload(request):
    """A werkzeug FileStorage as a multipart form would give it."""
    opened: list[FileStorage] = []

    def make(filename: str, data: bytes) -> FileStorage:
        storage = FileStorage(stream=io.BytesIO(data), filename=filename, name="attachments")
        opened.append(storage)
        return storage

    yield make
    for storage in opened:
        storage.close()


@pytest.fixture
def upload_dir(tmp_path) -> Path:
    return tmp_path / "uploads"
