from __future__ import annotations

from wtforms import (
    BooleanField,
    DateField,
    DateTimeLocalField,
    HiddenField,
    MultipleFileField,
    SelectField,
    StringField,
    TextAreaField,
)
from wtforms.validators import DataRequired, InputRequired, Length, Optional

from hai.auth.forms import MultiCheckboxField
from hai.disasters.models import EventType, ReportStatus, Severity
from hai.disasters.services import FUNCTIONS
from hai.web.forms import HaiForm, choices

REQUIRED = "Wajib diisi."
# The channels a report reaches HAI-DJPb by (the phone first; others when it is down).
REPORT_CHANNELS = [
    ("call_center", "Call center"),
    ("whatsapp", "WhatsApp"),
    ("email", "Email"),
    ("webchat", "Webchat"),
    ("hai_cso", "HAI CSO"),
]


class ReportForm(HaiForm):
    """The fixed part of the report; the checklist's items are read from the request
    (``check_<code>``, ``note_<code>``) because they come from the template version."""

    # Checked by the service (a coordinator's form has no office or channel field).
    office_unit_id = SelectField("Kantor terdampak", validators=[Optional()], validate_choice=False)
    reporter_name = StringField("Nama pelapor", validators=[Optional(), Length(max=120)])
    reporter_position = StringField("Jabatan", validators=[Optional(), Length(max=120)])
    reporter_phone = StringField("Telepon pelapor", validators=[Optional(), Length(max=40)])
    reporter_is_employee = BooleanField("Pelapor pegawai kantor ini", default=True)
    channel_code = SelectField(
        "Diterima melalui",
        validate_choice=False,
        choices=choices(REPORT_CHANNELS),
    )
    event_type = SelectField(
        "Jenis kejadian",
        choices=choices([("", "— pilih —"), *((e.value, e.label) for e in EventType)]),
        validators=[Optional()],
    )
    event_at = DateTimeLocalField(
        "Waktu kejadian (WIB)", format="%Y-%m-%dT%H:%M", validators=[Optional()]
    )
    location = StringField("Lokasi", validators=[Optional(), Length(max=300)])
    description = TextAreaField("Uraian kejadian", validators=[Optional(), Length(max=10000)])
    photos = MultipleFileField("Foto (jpg/png, maks. 15 MB per berkas)")
    template_id = HiddenField()

    def __init__(self, *args, offices=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.office_unit_id.choices = choices([("", "— pilih kantor —"), *offices])


class ClarifyForm(HaiForm):
    with_whom = StringField(
        "Klarifikasi dengan (koordinator)", validators=[DataRequired(REQUIRED), Length(max=200)]
    )
    outcome = TextAreaField("Hasil klarifikasi", validators=[DataRequired(REQUIRED)])
    confirmed = BooleanField("Koordinator membenarkan laporan", default=True)
    row_version = HiddenField()


class AnalysisForm(HaiForm):
    functions = MultiCheckboxField(
        "Fungsi kantor terdampak", choices=choices(FUNCTIONS.items()), validate_choice=False
    )
    services = StringField(
        "Layanan katalog terdampak (kode, dipisah koma)", validators=[Optional(), Length(max=300)]
    )
    severity = SelectField(
        "Tingkat dampak",
        choices=choices([("", "— pilih —"), *((s.value, s.label) for s in Severity)]),
        validators=[Optional()],
    )
    estimated_recovery_at = DateTimeLocalField(
        "Perkiraan pulih (WIB)", format="%Y-%m-%dT%H:%M", validators=[Optional()]
    )
    takeover_unit_id = SelectField("Layanan diambil alih oleh kantor", validators=[Optional()])
    analysis = TextAreaField("Analisis dampak", validators=[DataRequired(REQUIRED)])
    row_version = HiddenField()

    def __init__(self, *args, offices=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.takeover_unit_id.choices = choices([("", "— tidak perlu —"), *offices])


class ConfirmForm(HaiForm):
    row_version = HiddenField()


class StatusForm(HaiForm):
    status = SelectField(
        "Status baru",
        choices=choices(
            (s.value, s.label)
            for s in (ReportStatus.IN_RECOVERY, ReportStatus.RECOVERED, ReportStatus.CLOSED)
        ),
    )
    note = TextAreaField("Keterangan", validators=[Optional(), Length(max=5000)])
    row_version = HiddenField()


class CloseOfficeForm(HaiForm):
    start = DateField("Tutup mulai", validators=[InputRequired(REQUIRED)])
    end = DateField("Sampai dengan", validators=[InputRequired(REQUIRED)])
    row_version = HiddenField()


class ChecklistForm(HaiForm):
    items = TextAreaField(
        "Butir daftar periksa (satu per baris: kode | pertanyaan)",
        validators=[DataRequired(REQUIRED)],
    )
    note = StringField("Catatan perubahan", validators=[Optional(), Length(max=300)])
