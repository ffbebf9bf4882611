from __future__ import annotations

from wtforms import BooleanField, DateField, HiddenField, SelectField, StringField, TextAreaField
from wtforms.validators import DataRequired, Email, InputRequired, Length, Optional

from hai.changes.models import ChangeCategory, ChangeImpact, ChangeResult, Decision
from hai.web.forms import HaiForm, choices

REQUIRED = "Wajib diisi."
LONG = Length(max=20_000, message="Paling banyak 20.000 karakter.")
SCOPE_CHOICES = choices(
    [("in", "Layanan dalam Katalog Layanan HAI-DJPb"), ("out", "Layanan di luar katalog")]
)


def _enum_choices(enum_cls):
    return choices([(m.value, m.label) for m in enum_cls])


class PortalChangeForm(HaiForm):
    """A requester's RFC (PER-8 Pasal 17(2))."""

    title = StringField("Judul perubahan", validators=[DataRequired(REQUIRED), Length(max=200)])
    scope = SelectField("Jenis perubahan", choices=SCOPE_CHOICES, default="in")
    service_id = SelectField("Layanan katalog yang diubah", validators=[Optional()])
    catalog_change = BooleanField("Mengubah isi Katalog Layanan (layanan, ruang lingkup, norma)")
    description = TextAreaField(
        "Uraian perubahan yang diminta", validators=[DataRequired(REQUIRED), LONG]
    )
    justification = TextAreaField("Alasan dan manfaat", validators=[Optional(), LONG])


class StaffChangeForm(PortalChangeForm):
    """An RFC from a call, a letter or a walk-in, recorded by staff for the requester."""

    requester_name = StringField(
        "Nama pemohon", validators=[DataRequired(REQUIRED), Length(max=120)]
    )
    requester_email = StringField(
        "Email pemohon",
        validators=[DataRequired(REQUIRED), Email("Alamat email tidak valid."), Length(max=254)],
    )
    requester_unit = StringField("Instansi/unit pemohon", validators=[Optional(), Length(max=200)])
    ticket_number = StringField(
        "Nomor tiket asal (bila ada)", validators=[Optional(), Length(max=20)]
    )


class OwnerForm(HaiForm):
    row_version = HiddenField()
    owner_unit_id = SelectField("Unit pemilik produk", validators=[DataRequired(REQUIRED)])
    owner_contact = StringField(
        "Narahubung pemilik produk", validators=[Optional(), Length(max=200)]
    )
    ci_id = SelectField("Item konfigurasi (aplikasi/infrastruktur)", validators=[Optional()])


class AssessForm(HaiForm):
    row_version = HiddenField()
    category = SelectField("Kategori perubahan", choices=_enum_choices(ChangeCategory))
    impact = SelectField("Dampak", choices=_enum_choices(ChangeImpact))
    assessment = TextAreaField("Analisis CAB", validators=[DataRequired(REQUIRED), LONG])
    planned_start = DateField("Jadwal mulai", validators=[InputRequired(REQUIRED)])
    planned_end = DateField("Jadwal selesai", validators=[InputRequired(REQUIRED)])


class VoteForm(HaiForm):
    vote = SelectField("Suara Anda", choices=_enum_choices(Decision))
    comment = TextAreaField("Catatan", validators=[Optional(), LONG])


class DecideForm(HaiForm):
    row_version = HiddenField()
    decision = SelectField("Keputusan CAB", choices=_enum_choices(Decision))
    reason = TextAreaField("Alasan keputusan", validators=[DataRequired(REQUIRED), LONG])


class ActionForm(HaiForm):
    row_version = HiddenField()


class ImplementForm(HaiForm):
    row_version = HiddenField()
    result = SelectField("Hasil", choices=_enum_choices(ChangeResult))
    implementation = TextAreaField("Uraian pelaksanaan", validators=[DataRequired(REQUIRED), LONG])


class ReviewForm(HaiForm):
    row_version = HiddenField()
    review = TextAreaField("Tinjauan pasca-pelaksanaan", validators=[DataRequired(REQUIRED), LONG])


class CabMemberForm(HaiForm):
    user_id = SelectField("Anggota", validators=[DataRequired(REQUIRED)])
    eselon3 = BooleanField("Pejabat Eselon III")
