"""What an uploaded file may be (SECURITY.md: files; DOMAIN.md §12).

A file is accepted only when its extension is on the allow-list **and** its content
is what the extension claims: magic bytes for binary formats, the OOXML layout for
docx/xlsx/pptx, plain decodable text without markup for txt. Archives are inspected
through their central directory only; nothing is ever extracted.

Everything works from a file on disk (or a seekable binary stream): the upload is
streamed to a temporary file first, so a 15 MB upload is never held in memory.
"""

from __future__ import annotations

import codecs
import os
import re
import unicodedata
import zipfile
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import BinaryIO

from hai.errors import RuleError

FIELD = "attachments"

MAX_BYTES = 15 * 1024 * 1024
MAX_ARCHIVE_ENTRIES = 1000
MAX_ARCHIVE_TOTAL = 100 * 1024 * 1024
MAX_COMPRESSION_RATIO = 100
MAX_DISPLAY_NAME = 200
HEAD_BYTES = 8192  # how much of the file callers pass as ``head``
MARKUP_WINDOW = 1024  # txt: where HTML/SVG/script is looked for

CONTENT_TYPES: dict[str, str] = {
    "doc": "application/msword",
    "docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    "gif": "image/gif",
    "jpeg": "image/jpeg",
    "jpg": "image/jpeg",
    "pdf": "application/pdf",
    "png": "image/png",
    "ppt": "application/vnd.ms-powerpoint",
    "pptx": "application/vnd.openxmlformats-officedocument.presentationml.presentation",
    "rar": "application/vnd.rar",
    "txt": "text/plain; charset=utf-8",
    "xls": "application/vnd.ms-excel",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "zip": "application/zip",
}
TEXT_LATIN1 = "text/plain; charset=iso-8859-1"
ALLOWED_EXTENSIONS: frozenset[str] = frozenset(CONTENT_TYPES)
#: every content type this module can produce (``send_attachment`` serves nothing else)
KNOWN_CONTENT_TYPES: frozenset[str] = frozenset(CONTENT_TYPES.values()) | {TEXT_LATIN1}

OLE2 = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
ZIP = b"PK\x03\x04"
MAGIC: dict[str, tuple[bytes, ...]] = {
    "pdf": (b"%PDF-",),
    "png": (b"\x89PNG\r\n\x1a\n",),
    "gif": (b"GIF87a", b"GIF89a"),
    "jpg": (b"\xff\xd8\xff",),
    "jpeg": (b"\xff\xd8\xff",),
    "doc": (OLE2,),
    "xls": (OLE2,),
    "ppt": (OLE2,),
    "docx": (ZIP,),
    "xlsx": (ZIP,),
    "pptx": (ZIP,),
    "zip": (ZIP,),
    "rar": (b"Rar!\x1a\x07",),
}
ARCHIVES = frozenset({"zip", "docx", "xlsx", "pptx"})
OOXML_FOLDER = {"docx": "word/", "xlsx": "xl/", "pptx": "ppt/"}

# txt: markup a browser would render or run. Looked for anywhere in the first KB.
MARKUP_RE = re.compile(
    rb"<(?:!doctype|\?xml|html|head|body|script|svg|iframe|frameset|frame|object|embed"
    rb"|applet|style|meta|link|base|form|img|math|xml|xsl|title)(?=[\s/>:]|$)",
    re.IGNORECASE,
)
# txt without valid UTF-8: latin-1 bytes that are printable, plus tab, LF, FF, CR.
LATIN1_PRINTABLE = bytes([9, 10, 12, 13, *range(0x20, 0x7F), *range(0xA0, 0x100)])

# Display names: bidirectional and zero-width marks can disguise an extension.
_INVISIBLE = {"Cc", "Cf", "Cs", "Co", "Cn"}
_SPACE_RE = re.compile(r"\s+")

MSG_EMPTY = "Berkas kosong."
MSG_TOO_BIG = "Ukuran berkas melebihi batas 15 MB."
MSG_TYPE = "Jenis berkas tidak diizinkan. Jenis yang diizinkan: " + ", ".join(
    sorted(ALLOWED_EXTENSIONS)
)
MSG_MISMATCH = "Isi berkas tidak sesuai dengan ekstensinya."
MSG_TEXT_BINARY = "Berkas teks berisi data biner atau pengodean yang tidak dikenal."
MSG_TEXT_MARKUP = "Berkas teks berisi HTML, SVG atau skrip dan tidak dapat diterima."
MSG_ARCHIVE_BROKEN = "Arsip rusak atau tidak dapat dibaca."
MSG_ARCHIVE_ENTRIES = "Arsip berisi lebih dari 1.000 berkas."
MSG_ARCHIVE_TOTAL = "Ukuran isi arsip melebihi 100 MB."
MSG_ARCHIVE_RATIO = "Arsip ditolak: rasio kompresi terlalu tinggi (kemungkinan bom zip)."
MSG_ARCHIVE_NAMES = "Arsip berisi nama berkas yang tidak aman (jalur absolut atau '..')."


@dataclass(frozen=True)
class DetectedFile:
    extension: str  # lower case, from the allow-list
    content_type: str
    display_name: str  # sanitised; still needs escaping where it is shown


def refuse(message: str) -> RuleError:
    return RuleError(message, FIELD)


def extension_of(filename: str) -> str:
    """The lower-case extension of the file's base name ('' when there is none)."""
    name = basename(filename)
    stem, dot, ext = name.rpartition(".")
    return ext.strip().lower() if dot else ""


def basename(filename: str) -> str:
    """The last path component, whichever separator the client used."""
    return re.split(r"[/\\]", filename or "")[-1]


def display_name(filename: str) -> str:
    """The name shown to users: base name only, no control or invisible characters,
    no path separators, whitespace collapsed, at most 200 characters (extension kept)."""
    name = unicodedata.normalize("NFC", basename(filename))
    name = "".join(
        " " if ch.isspace() else "" if unicodedata.category(ch) in _INVISIBLE else ch for ch in name
    )
    name = _SPACE_RE.sub(" ", name.replace("/", "").replace("\\", "")).strip()
    stem, dot, ext = name.rpartition(".")
    if not dot:
        stem, ext = name, ""
    stem = stem.strip()
    if not stem:
        stem = "lampiran"
    if len(ext) > 20:  # not a real extension: treat the whole as the stem
        stem, dot, ext = f"{stem}.{ext}", "", ""
    suffix = f"{dot}{ext}" if dot else ""
    return stem[: MAX_DISPLAY_NAME - len(suffix)].rstrip() + suffix


def check_upload(
    filename: str, head: bytes, path_or_stream: str | os.PathLike | BinaryIO, size: int
) -> DetectedFile:
    """Accept the upload or raise ``RuleError(message, "attachments")``.

    ``head`` is the start of the file (at least the first KB; ``HEAD_BYTES`` is
    plenty); ``path_or_stream`` the whole file on disk (or a seekable binary stream),
    read in chunks when the type needs more than the head.
    """
    if size <= 0:
        raise refuse(MSG_EMPTY)
    if size > MAX_BYTES:
        raise refuse(MSG_TOO_BIG)
    ext = extension_of(filename)
    if ext not in ALLOWED_EXTENSIONS:
        raise refuse(MSG_TYPE)
    if len(head) < min(size, MARKUP_WINDOW):
        with _opened(path_or_stream) as fh:
            head = fh.read(HEAD_BYTES)
    content_type = CONTENT_TYPES[ext]
    if ext == "txt":
        content_type = _check_text(head, path_or_stream)
    elif not head.startswith(MAGIC[ext]):
        raise refuse(MSG_MISMATCH)
    if ext in ARCHIVES:
        _check_archive(ext, path_or_stream)
    return DetectedFile(ext, content_type, display_name(filename))


@contextmanager
def _opened(path_or_stream) -> Iterator[BinaryIO]:
    if isinstance(path_or_stream, str | os.PathLike):
        with open(path_or_stream, "rb") as fh:
            yield fh
    else:
        path_or_stream.seek(0)
        yield path_or_stream
        path_or_stream.seek(0)


def _chunks(fh: BinaryIO, size: int = 64 * 1024) -> Iterator[bytes]:
    while chunk := fh.read(size):
        yield chunk


def _check_text(head: bytes, path_or_stream) -> str:
    """UTF-8 (or printable latin-1) without NUL bytes or markup; returns the content type."""
    window = head[:MARKUP_WINDOW]
    if window.startswith(codecs.BOM_UTF8):
        window = window[len(codecs.BOM_UTF8) :]
    if MARKUP_RE.search(window):
        raise refuse(MSG_TEXT_MARKUP)
    decoder = codecs.getincrementaldecoder("utf-8")()
    utf8 = latin1 = True
    with _opened(path_or_stream) as fh:
        for chunk in _chunks(fh):
            if b"\x00" in chunk:
                raise refuse(MSG_TEXT_BINARY)
            if utf8:
                try:
                    decoder.decode(chunk)
                except UnicodeDecodeError:
                    utf8 = False
            if latin1:
                latin1 = not chunk.translate(None, LATIN1_PRINTABLE)
            if not (utf8 or latin1):
                raise refuse(MSG_TEXT_BINARY)
    if utf8:
        try:
            decoder.decode(b"", final=True)
        except UnicodeDecodeError:
            utf8 = False
    if utf8:
        return CONTENT_TYPES["txt"]
    if latin1:
        return TEXT_LATIN1
    raise refuse(MSG_TEXT_BINARY)


def _unsafe_member(name: str) -> bool:
    if name.startswith(("/", "\\")) or re.match(r"^[A-Za-z]:", name):
        return True
    return ".." in re.split(r"[/\\]", name)


def _check_archive(ext: str, path_or_stream) -> None:
    """Size, entry count, compression ratio and names from the central directory only."""
    try:
        with _opened(path_or_stream) as fh, zipfile.ZipFile(fh) as archive:
            entries = archive.infolist()
    except (zipfile.BadZipFile, zipfile.LargeZipFile, EOFError, OSError, ValueError) as exc:
        raise refuse(MSG_ARCHIVE_BROKEN) from exc
    if not entries:
        raise refuse(MSG_ARCHIVE_BROKEN)
    if len(entries) > MAX_ARCHIVE_ENTRIES:
        raise refuse(MSG_ARCHIVE_ENTRIES)
    total = 0
    for entry in entries:
        if _unsafe_member(entry.filename):
            raise refuse(MSG_ARCHIVE_NAMES)
        total += entry.file_size
        if entry.file_size and (
            entry.compress_size <= 0
            or entry.file_size / entry.compress_size > MAX_COMPRESSION_RATIO
        ):
            raise refuse(MSG_ARCHIVE_RATIO)
    if total > MAX_ARCHIVE_TOTAL:
        raise refuse(MSG_ARCHIVE_TOTAL)
    folder = OOXML_FOLDER.get(ext)
    if folder:
        names = [e.filename.lower() for e in entries]
        if "[content_types].xml" not in names or not any(n.startswith(folder) for n in names):
            raise refuse(MSG_MISMATCH)
