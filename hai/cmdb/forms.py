from __future__ import annotations

from wtforms import BooleanField, HiddenField, SelectField, StringField, TextAreaField
from wtforms.validators import DataRequired, Length, Optional

from hai.cmdb.models import CIKind
from hai.web.forms import HaiForm, choices

REQUIRED = "Wajib diisi."


class CIForm(HaiForm):
    row_version = HiddenField()
    code = StringField("Kode", validators=[DataRequired(REQUIRED), Length(max=40)])
    name = StringField("Nama", validators=[DataRequired(REQUIRED), Length(max=200)])
    kind = SelectField("Jenis", validators=[DataRequired(REQUIRED)])
    owner_unit_id = SelectField("Unit pemilik", validators=[DataRequired(REQUIRED)])
    description = TextAreaField("Keterangan", validators=[Optional(), Length(max=5000)])
    service_codes = TextAreaField(
        "Kode layanan/ruang lingkup katalog yang dilayani (satu per baris; "
        "awali dengan versi, mis. 2023.0:ITSM.02.03, bila hanya untuk versi itu)",
        validators=[Optional(), Length(max=2000)],
    )
    is_active = BooleanField("Aktif")

    def __init__(self, *args, units=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.kind.choices = choices((k.value, k.label) for k in CIKind)
        self.owner_unit_id.choices = choices([("", "— pilih unit —"), *units])


class TicketCIForm(HaiForm):
    """From the ticket page: which item the ticket is about."""

    ci_id = SelectField("Item konfigurasi", validators=[Optional()])

    def __init__(self, *args, items=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.ci_id.choices = choices([("", "— tidak ada / belum diketahui —"), *items])
