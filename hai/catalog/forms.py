from __future__ import annotations

from wtforms import DateField, IntegerField, SelectField, StringField, TextAreaField
from wtforms.validators import DataRequired, InputRequired, Length, NumberRange, Optional

from hai.auth.forms import MultiCheckboxField
from hai.catalog.user_types import USER_TYPES
from hai.web.forms import HaiForm, choices

REQUIRED = "Wajib diisi."
NORM = [
    Optional(),
    NumberRange(min=1, max=2000, message="Antara 1 dan 2000 jam kerja, atau kosong."),
]


class DraftForm(HaiForm):
    code = StringField("Kode versi baru", validators=[DataRequired(REQUIRED), Length(max=32)])
    title = StringField("Judul", validators=[DataRequired(REQUIRED), Length(max=200)])


class VersionInfoForm(HaiForm):
    title = StringField("Judul", validators=[DataRequired(REQUIRED), Length(max=200)])
    notes = TextAreaField("Catatan perubahan", validators=[Optional(), Length(max=5000)])


class ActivateForm(HaiForm):
    effective_from = DateField(
        "Berlaku mulai tanggal", validators=[InputRequired("Tanggal berlaku wajib diisi.")]
    )


class ServiceForm(HaiForm):
    code = StringField("Kode layanan", validators=[DataRequired(REQUIRED), Length(max=32)])
    name = StringField("Nama layanan", validators=[DataRequired(REQUIRED), Length(max=300)])
    definition = TextAreaField("Definisi", validators=[Optional(), Length(max=5000)])
    audience = StringField("Pengguna (uraian)", validators=[Optional(), Length(max=200)])
    responsible_unit_name = StringField(
        "Penanggung jawab", validators=[Optional(), Length(max=200)]
    )
    responsible_unit_id = SelectField("Unit penanggung jawab", validators=[Optional()])
    norm_hours = IntegerField("Norma waktu (jam kerja)", validators=NORM)
    norm_text = StringField("Norma waktu (uraian)", validators=[Optional(), Length(max=100)])
    access = MultiCheckboxField("Jenis pengguna yang berhak", coerce=int)

    def __init__(self, *args, unit_choices=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.access.choices = choices((n, f"{n}. {label}") for n, label in USER_TYPES.items())
        self.responsible_unit_id.choices = choices([("", "(tidak ditetapkan)"), *unit_choices])


class ScopeForm(HaiForm):
    code = StringField("Kode", validators=[DataRequired(REQUIRED), Length(max=40)])
    name = StringField("Nama ruang lingkup", validators=[DataRequired(REQUIRED), Length(max=500)])
    norm_hours = IntegerField("Norma (jam kerja)", validators=NORM)
    parent_id = SelectField("Induk", validators=[Optional()])

    def __init__(self, *args, parent_choices=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.parent_id.choices = choices([("", "— tingkat pertama —"), *parent_choices])
