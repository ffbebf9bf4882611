from __future__ import annotations

from wtforms import BooleanField, DateTimeLocalField, SelectField, StringField, TextAreaField
from wtforms.validators import DataRequired, Length, Optional

from hai.auth.forms import MultiCheckboxField
from hai.catalog.user_types import USER_TYPES
from hai.surveys.models import QuestionKind
from hai.surveys.services import CONTACT_CHANNELS
from hai.web.forms import HaiForm, choices

REQUIRED = "Wajib diisi."


class SurveyForm(HaiForm):
    title = StringField("Judul survei", validators=[DataRequired(REQUIRED), Length(max=200)])
    description = TextAreaField(
        "Pengantar untuk responden", validators=[Optional(), Length(max=5000)]
    )
    opens_at = DateTimeLocalField(
        "Mulai dapat diisi (WIB, opsional)", format="%Y-%m-%dT%H:%M", validators=[Optional()]
    )
    closes_at = DateTimeLocalField(
        "Ditutup (WIB, opsional)", format="%Y-%m-%dT%H:%M", validators=[Optional()]
    )


class QuestionForm(HaiForm):
    kind = SelectField("Jenis pertanyaan")
    prompt = TextAreaField("Pertanyaan", validators=[DataRequired(REQUIRED), Length(max=500)])
    options = TextAreaField(
        "Pilihan jawaban (satu per baris; untuk pilihan tunggal/ganda)",
        validators=[Optional(), Length(max=5000)],
    )
    scale_low_label = StringField(
        "Arti nilai 1 (untuk skala)", validators=[Optional(), Length(max=100)]
    )
    scale_high_label = StringField(
        "Arti nilai 5 (untuk skala)", validators=[Optional(), Length(max=100)]
    )
    required = BooleanField("Wajib dijawab", default=True)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.kind.choices = choices((k.value, k.label) for k in QuestionKind)


class ConfirmForm(HaiForm):
    """Only the CSRF token: open, close, remove, move."""


class InviteForm(HaiForm):
    group_ids = MultiCheckboxField("Kelompok penerima", validate_choice=False)
    channels = MultiCheckboxField("Kanal untuk kelompok penerima", validate_choice=True)
    requesters = BooleanField("Undang pengguna layanan (diisi setelah masuk ke Portal HAI-DJPb)")
    user_types = MultiCheckboxField(
        "Hanya jenis pengguna (kosongkan untuk semua)", validate_choice=True
    )

    def __init__(self, *args, groups=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.group_ids.choices = choices((g.id, g.name) for g in groups)
        self.channels.choices = choices((c.value, c.label) for c in CONTACT_CHANNELS)
        self.user_types.choices = choices((n, f"{n}. {label}") for n, label in USER_TYPES.items())


class AnswerForm(HaiForm):
    """The CSRF token; the answers are read from the request by question (``q<id>``)."""
