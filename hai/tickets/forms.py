from __future__ import annotations

from wtforms import (
    BooleanField,
    DateTimeLocalField,
    HiddenField,
    IntegerField,
    MultipleFileField,
    SelectField,
    StringField,
    TextAreaField,
)
from wtforms.fields.choices import SelectChoice
from wtforms.validators import DataRequired, InputRequired, Length, NumberRange, Optional

from hai.catalog.user_types import USER_TYPES
from hai.sla.policy import LEVEL_LABELS, PRIORITIES
from hai.tickets.models import CloseReason, Level, TicketType
from hai.web.forms import HaiForm, choices

REQUIRED = "Wajib diisi."


class IntakeForm(HaiForm):
    channel = SelectField("Kanal")
    received_at = DateTimeLocalField(
        "Diterima (WIB)", format="%Y-%m-%dT%H:%M", validators=[InputRequired(REQUIRED)]
    )
    recording_ref = StringField("Nomor rekaman telepon", validators=[Optional(), Length(max=100)])
    requester_id = HiddenField()
    requester_name = StringField(
        "Nama pemohon", validators=[DataRequired(REQUIRED), Length(max=120)]
    )
    requester_email = StringField("Email", validators=[Optional(), Length(max=254)])
    requester_phone = StringField("Telepon", validators=[Optional(), Length(max=40)])
    requester_user_type = SelectField("Jenis pengguna", validators=[Optional()])
    satker_name = StringField("Nama satker/unit", validators=[Optional(), Length(max=200)])
    satker_code = StringField("Kode satker", validators=[Optional(), Length(max=20)])
    scope = SelectField("Layanan / ruang lingkup", validators=[Optional()], validate_choice=False)
    ticket_type = SelectField(
        "Jenis permintaan", choices=choices((t.value, t.label) for t in TicketType)
    )
    subject = StringField("Subjek", validators=[DataRequired(REQUIRED), Length(max=300)])
    description = TextAreaField("Uraian", validators=[Optional(), Length(max=20000)])
    attachments = MultipleFileField("Lampiran (maks. 15 MB per berkas)")

    def __init__(self, *args, channel_choices=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.channel.choices = choices(channel_choices)
        self.requester_user_type.choices = choices(
            [("", "— pilih —"), *((n, f"{n}. {label}") for n, label in USER_TYPES.items())]
        )
        self.scope.choices = []


class TextForm(HaiForm):
    """Reply, note, request for documents, answer, requester's answer, closing note."""

    body = TextAreaField("Teks", validators=[DataRequired(REQUIRED), Length(max=20000)])
    row_version = HiddenField()


class PriorityForm(HaiForm):
    impact = SelectField("Dampak", validators=[Optional()])
    urgency = SelectField("Kepentingan", validators=[Optional()])
    priority = SelectField("atau prioritas langsung", validators=[Optional()])
    row_version = HiddenField()

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        levels = [("", "—"), *LEVEL_LABELS.items()]
        self.impact.choices = choices(levels)
        self.urgency.choices = choices(levels)
        self.priority.choices = choices([("", "—"), *((p, p) for p in PRIORITIES)])


class EscalateForm(HaiForm):
    to = SelectField("Eskalasi ke", choices=choices((lv.value, lv.label) for lv in Level))
    team_unit_id = SelectField("Direktorat (Layer 2)", validators=[Optional()])
    note = TextAreaField("Ringkasan untuk penerima", validators=[DataRequired(REQUIRED)])
    row_version = HiddenField()

    def __init__(self, *args, unit_choices=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.team_unit_id.choices = choices([("", "—"), *unit_choices])


class RefuseForm(HaiForm):
    reason = SelectField(
        "Alasan",
        choices=choices(
            (r.value, r.label)
            for r in (
                CloseReason.REFUSED_CATALOG,
                CloseReason.REFUSED_USER_TYPE,
                CloseReason.EXCLUDED,
            )
        ),
    )
    note = TextAreaField("Penjelasan kepada pengguna", validators=[DataRequired(REQUIRED)])
    row_version = HiddenField()


class ForwardForm(HaiForm):
    unit = SelectField("Unit lintas layanan")
    note = TextAreaField("Penjelasan", validators=[Optional()])
    close = BooleanField("Tutup tiket (pengguna diarahkan ke unit tersebut)")
    row_version = HiddenField()

    def __init__(self, *args, unit_names=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.unit.choices = choices((n, n) for n in unit_names)


class AssignForm(HaiForm):
    assignee_id = SelectField("Tugaskan kepada", validators=[Optional()])
    row_version = HiddenField()

    def __init__(self, *args, people=(), **kwargs):
        """``people``: SelectChoice rows, perhaps in groups (on duty first)."""
        super().__init__(*args, **kwargs)
        self.assignee_id.choices = [SelectChoice("", "(lepaskan)"), *people]


class RateForm(HaiForm):
    rating = IntegerField(
        "Nilai (1–5)", validators=[InputRequired(REQUIRED), NumberRange(min=1, max=5)]
    )
    feedback = TextAreaField("Umpan balik", validators=[Optional(), Length(max=5000)])
    row_version = HiddenField()


class AttachForm(HaiForm):
    attachments = MultipleFileField("Tambah lampiran")
    row_version = HiddenField()


class OlaForm(HaiForm):
    unit_id = SelectField("Direktorat")
    hours = IntegerField(
        "Target jawaban Layer 2 (jam kerja)",
        validators=[InputRequired(REQUIRED), NumberRange(min=1, max=2000)],
    )

    def __init__(self, *args, unit_choices=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.unit_id.choices = choices(unit_choices)
