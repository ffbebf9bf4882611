from __future__ import annotations

from wtforms import (
    DateField,
    HiddenField,
    IntegerField,
    SelectField,
    StringField,
    TextAreaField,
)
from wtforms.validators import DataRequired, InputRequired, Length, NumberRange, Optional

from hai.auth.forms import MultiCheckboxField
from hai.qa.models import ContactMethod, TrainingTopic
from hai.web.forms import HaiForm, choices

REQUIRED = "Wajib diisi."


class ScorecardForm(HaiForm):
    criteria = TextAreaField(
        "Kriteria (satu per baris: kode | nama | bobot | cara | panduan penilaian)",
        validators=[DataRequired(REQUIRED)],
    )
    note = StringField("Catatan perubahan", validators=[Optional(), Length(max=300)])


class EvaluationForm(HaiForm):
    agent_id = SelectField("Agen yang dievaluasi", validators=[DataRequired(REQUIRED)])
    period_start = DateField("Periode mulai (WIB)", validators=[InputRequired(REQUIRED)])
    period_end = DateField("Sampai dengan (WIB)", validators=[InputRequired(REQUIRED)])
    sample_method = SelectField(
        "Sampel tiket",
        choices=choices([("random", "Acak"), ("chosen", "Dipilih")]),
        default="random",
    )
    sample_size = IntegerField(
        "Jumlah sampel acak",
        default=5,
        validators=[Optional(), NumberRange(min=0, max=50, message="0 sampai 50.")],
    )
    seed = IntegerField(
        "Benih acak (kosongkan untuk dibuat otomatis)",
        validators=[Optional(), NumberRange(min=1, max=2**31 - 1)],
    )
    tickets = TextAreaField(
        "Nomor tiket yang dipilih (dipisah koma atau baris)",
        validators=[Optional(), Length(max=2000)],
    )

    def __init__(self, *args, agents=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.agent_id.choices = choices([("", "— pilih —"), *agents])


class ScoresForm(HaiForm):
    """The fixed part; the scores are read from the request (``score-<criterion>-<ticket>``)
    because they come from the evaluation's scorecard version and sample."""

    summary = TextAreaField("Ringkasan dan rekomendasi", validators=[Optional(), Length(max=5000)])
    row_version = HiddenField()


class AcknowledgeForm(HaiForm):
    response = TextAreaField(
        "Tanggapan Anda (boleh kosong)", validators=[Optional(), Length(max=5000)]
    )
    row_version = HiddenField()


class FollowUpForm(HaiForm):
    contacted = SelectField(
        "Unit menghubungi pengguna?",
        choices=choices([("yes", "Ya"), ("no", "Tidak")]),
        validators=[DataRequired(REQUIRED)],
    )
    method = SelectField(
        "Cara menghubungi",
        choices=choices([("", "—"), *((c.value, c.label) for c in ContactMethod)]),
        validators=[Optional()],
    )
    note = TextAreaField(
        "Catatan (dengan siapa, kapan, hasilnya)",
        validators=[DataRequired(REQUIRED), Length(max=5000)],
    )


class TrainingForm(HaiForm):
    title = StringField("Judul pelatihan", validators=[DataRequired(REQUIRED), Length(max=200)])
    topic = SelectField("Materi", choices=choices((t.value, t.label) for t in TrainingTopic))
    held_on = DateField("Tanggal", validators=[InputRequired(REQUIRED)])
    hours = IntegerField("Jam pelajaran", default=0, validators=[Optional(), NumberRange(0, 1000)])
    organiser = StringField("Penyelenggara", validators=[Optional(), Length(max=200)])
    note = TextAreaField("Keterangan", validators=[Optional(), Length(max=5000)])


class AttendanceForm(HaiForm):
    attendees = MultiCheckboxField("Peserta yang hadir", validate_choice=False)

    def __init__(self, *args, staff=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.attendees.choices = choices(staff)


class CertificateForm(HaiForm):
    user_id = SelectField("Agen", validators=[DataRequired(REQUIRED)])
    number = StringField("Nomor sertifikat", validators=[DataRequired(REQUIRED), Length(max=80)])
    issuer = StringField(
        "Penerbit",
        default="Sekretaris Direktorat Jenderal Perbendaharaan a.n. Direktur Jenderal",
        validators=[DataRequired(REQUIRED), Length(max=200)],
    )
    issued_on = DateField("Tanggal terbit", validators=[InputRequired(REQUIRED)])
    expires_on = DateField("Berlaku sampai", validators=[InputRequired(REQUIRED)])

    def __init__(self, *args, agents=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.user_id.choices = choices([("", "— pilih —"), *agents])
