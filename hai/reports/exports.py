"""A report as XLSX (openpyxl) and PDF (WeasyPrint), from the same tables as its page."""

from __future__ import annotations

import io
import logging
import re

from flask import render_template

from hai.reports import figures
from hai.reports.figures import INT, NUM, PCT, TEXT
from hai.web.numfmt import format_number
from hai.web.spreadsheet import safe_cell
from hai.web.timefmt import format_datetime


def cell_text(value, kind: str) -> str:
    """A cell as the page and the PDF show it: 1.234 · 87,50% · 4,25 · —."""
    if value is None or value == "":
        return "—" if kind != TEXT else ""
    if kind == INT:
        return format_number(value)
    if kind == PCT:
        return f"{value:.2f}".replace(".", ",") + "%"
    if kind == NUM:
        if isinstance(value, int):
            return format_number(value)
        return f"{value:,.2f}".replace(",", " ").replace(".", ",").replace(" ", ".")
    return str(value)


_NUMBER_FORMATS = {INT: "#,##0", PCT: "0.00", NUM: "#,##0.00"}


def filename(report, extension: str) -> str:
    slug = re.sub(r"[^a-z0-9]+", "-", report.title.lower()).strip("-")[:80] or "laporan"
    return f"{slug}.{extension}"


def xlsx(report) -> bytes:
    """One sheet per table (numbers as numbers, percentages as 0-100 with two decimals),
    after a cover sheet with the report's identity and narrative."""
    from openpyxl import Workbook
    from openpyxl.styles import Alignment, Font

    book = Workbook()
    cover = book.active
    cover.title = "Laporan"
    cover.append([safe_cell(report.title)])
    cover["A1"].font = Font(bold=True, size=14)
    cover.append(["Jenis", report.kind.label])
    cover.append(["Kepada", report.kind.recipient])
    if report.period_start:
        cover.append(
            ["Periode", f"{report.period_start:%d-%m-%Y} s.d. {report.period_end:%d-%m-%Y}"]
        )
    if report.due_on:
        cover.append(["Batas penyampaian", f"{report.due_on:%d-%m-%Y}"])
    cover.append(["Status", report.status.label])
    if report.generated_at:
        cover.append(["Angka dihitung", format_datetime(report.generated_at)])
    if report.delivered_at:
        cover.append(["Disampaikan", format_datetime(report.delivered_at)])
    for label, text in narrative(report):
        cover.append([])
        cover.append([label])
        cover.cell(cover.max_row, 1).font = Font(bold=True)
        cover.append([safe_cell(text)])
        cover.cell(cover.max_row, 1).alignment = Alignment(wrap_text=True, vertical="top")
    cover.column_dimensions["A"].width = 28
    cover.column_dimensions["B"].width = 60

    for table in figures.tables(report):
        sheet = book.create_sheet(table.title[:31])
        sheet.append([label for label, _ in table.columns])
        for cell in sheet[1]:
            cell.font = Font(bold=True)
        for row in table.rows:
            sheet.append([safe_cell(v) if isinstance(v, str) else v for v in row])
            for cell, (_, kind) in zip(sheet[sheet.max_row], table.columns, strict=True):
                if kind in _NUMBER_FORMATS and isinstance(cell.value, int | float):
                    cell.number_format = (
                        _NUMBER_FORMATS[INT]
                        if kind == NUM and isinstance(cell.value, int)
                        else _NUMBER_FORMATS[kind]
                    )
        sheet.freeze_panes = "A2"
        for n, (label, kind) in enumerate(table.columns, start=1):
            letter = sheet.cell(1, n).column_letter
            sheet.column_dimensions[letter].width = 40 if kind == TEXT else max(12, len(label) + 2)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def narrative(report) -> list[tuple[str, str]]:
    """The written parts of a report, in reading order, with their headings."""
    from hai.reports.models import ReportKind

    if report.kind is ReportKind.PROBLEM:
        parts = [
            ("Permasalahan", report.problems),
            ("Peraturan terkait", report.regulation),
            ("Analisa", report.analysis),
            ("Kesimpulan dan/atau rekomendasi", report.recommendations),
            ("Tiket terkait", ", ".join(report.ticket_numbers or [])),
            ("Tanggapan Kepala Seksi", report.response),
        ]
    else:
        parts = [
            ("Ringkasan", report.summary),
            ("Permasalahan", report.problems),
            ("Rekomendasi", report.recommendations),
        ]
    return [(label, text) for label, text in parts if text]


def pdf(report) -> bytes:
    """The report printed to A4 from the page's own body template."""
    from weasyprint import HTML

    # WeasyPrint reports every layout step at INFO; only its problems belong in our logs.
    logging.getLogger("weasyprint").setLevel(logging.WARNING)
    logging.getLogger("weasyprint.progress").setLevel(logging.WARNING)
    logging.getLogger("fontTools").setLevel(logging.WARNING)
    html = render_template("reports/print.html", report=report, **page_context(report))
    return HTML(string=html).write_pdf()


def page_context(report) -> dict:
    from hai.web.charts import bar_chart

    tables = figures.tables(report)
    charts = {}
    for t in tables:
        if t.chart is None or not t.rows:
            continue
        column, scale = t.chart
        kind = t.columns[column][1]
        charts[t.key] = bar_chart(
            [(str(r[0]), r[column] or 0, cell_text(r[column], kind)) for r in t.rows],
            scale=scale,
        )
    return {"tables": tables, "charts": charts, "cell": cell_text, "narrative": narrative(report)}
