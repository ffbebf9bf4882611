from __future__ import annotations

from wtforms import BooleanField, HiddenField, SelectField, StringField, TextAreaField
from wtforms.validators import DataRequired, Length, Optional

from hai.auth.forms import MultiCheckboxField
from hai.broadcasts.models import BroadcastChannel
from hai.web.forms import HaiForm, choices

REQUIRED = "Wajib diisi."


class RequestForm(HaiForm):
    title = StringField("Judul", validators=[DataRequired(REQUIRED), Length(max=200)])
    purpose = TextAreaField(
        "Tujuan broadcast", validators=[DataRequired(REQUIRED), Length(max=2000)]
    )
    content = TextAreaField("Isi broadcast", validators=[DataRequired(REQUIRED), Length(max=20000)])
    channels = MultiCheckboxField("Kanal yang diminta", validate_choice=True)
    group_ids = MultiCheckboxField("Kelompok penerima", validate_choice=False)
    other_recipients = TextAreaField(
        "Penerima lain (email atau nomor telepon, satu per baris)",
        validators=[Optional(), Length(max=5000)],
    )
    urgent = BooleanField("Mendesak (ditambah SMS)")
    is_education = BooleanField("Edukasi Perbendaharaan")
    contact_name = StringField(
        "Nama pejabat penanggung jawab", validators=[DataRequired(REQUIRED), Length(max=120)]
    )
    contact_position = StringField(
        "Jabatan (sekurang-kurangnya Eselon IV)",
        validators=[DataRequired(REQUIRED), Length(max=120)],
    )
    contact_phone = StringField(
        "Telepon pejabat", validators=[DataRequired(REQUIRED), Length(max=40)]
    )
    contact_email = StringField(
        "Email pejabat", validators=[DataRequired(REQUIRED), Length(max=254)]
    )

    def __init__(self, *args, groups=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.channels.choices = choices((c.value, c.label) for c in BroadcastChannel)
        self.group_ids.choices = choices((g.id, g.name) for g in groups)


class TextForm(HaiForm):
    body = TextAreaField("Teks", validators=[DataRequired(REQUIRED), Length(max=5000)])
    row_version = HiddenField()


class EditForm(HaiForm):
    title = StringField("Judul", validators=[DataRequired(REQUIRED), Length(max=200)])
    content = TextAreaField("Isi broadcast", validators=[DataRequired(REQUIRED), Length(max=20000)])
    note = StringField("Catatan perubahan", validators=[Optional(), Length(max=500)])
    row_version = HiddenField()


class ApproveForm(HaiForm):
    sender_id = SelectField("Agen L1 yang mengirim", validators=[DataRequired(REQUIRED)])
    row_version = HiddenField()

    def __init__(self, *args, agents=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.sender_id.choices = choices([("", "— pilih agen —"), *agents])


class ConfirmForm(HaiForm):
    row_version = HiddenField()


class GroupForm(HaiForm):
    code = StringField("Kode", validators=[DataRequired(REQUIRED), Length(max=40)])
    name = StringField("Nama kelompok", validators=[DataRequired(REQUIRED), Length(max=200)])
    description = StringField("Keterangan", validators=[Optional(), Length(max=500)])


class ContactForm(HaiForm):
    name = StringField("Nama", validators=[DataRequired(REQUIRED), Length(max=200)])
    organisation = StringField("Instansi/unit", validators=[Optional(), Length(max=200)])
    email = StringField("Email", validators=[Optional(), Length(max=254)])
    phone = StringField("Telepon/WhatsApp", validators=[Optional(), Length(max=40)])
