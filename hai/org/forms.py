from __future__ import annotations

from wtforms import BooleanField, SelectField, StringField
from wtforms.validators import DataRequired, Length, Optional, Regexp

from hai.org.models import UnitKind
from hai.web.forms import HaiForm, choices


class UnitForm(HaiForm):
    code = StringField(
        "Kode unit",
        validators=[
            DataRequired("Wajib diisi."),
            Length(max=32),
            Regexp(r"^[A-Za-z0-9.\-]+$", message="Hanya huruf, angka, titik dan tanda hubung."),
        ],
    )
    name = StringField("Nama unit", validators=[DataRequired("Wajib diisi."), Length(max=200)])
    short_name = StringField("Nama singkat", validators=[Optional(), Length(max=80)])
    kind = SelectField("Jenis", choices=choices((k.value, k.label) for k in UnitKind))
    parent_id = SelectField("Unit induk")
    is_active = BooleanField("Aktif", default=True)

    def __init__(self, *args, parent_choices=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.parent_id.choices = choices([("", "(tanpa induk)"), *parent_choices])
