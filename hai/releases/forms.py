from __future__ import annotations

from wtforms import BooleanField, DateField, SelectField, StringField, TextAreaField
from wtforms.validators import DataRequired, InputRequired, Length, Optional

from hai.auth.forms import MultiCheckboxField
from hai.broadcasts.models import BroadcastChannel
from hai.haipedia.models import Audience
from hai.web.forms import HaiForm, choices

REQUIRED = "Wajib diisi."


class ReleaseForm(HaiForm):
    ci_id = SelectField("Aplikasi / proses bisnis", validators=[DataRequired(REQUIRED)])
    version = StringField("Versi", validators=[DataRequired(REQUIRED), Length(max=40)])
    released_on = DateField("Tanggal rilis", validators=[InputRequired(REQUIRED)])
    changes = TextAreaField("Yang berubah", validators=[DataRequired(REQUIRED), Length(max=10000)])
    impact = TextAreaField(
        "Dampak bagi pengguna (apa yang perlu mereka lakukan)",
        validators=[DataRequired(REQUIRED), Length(max=10000)],
    )
    audience = SelectField("Pembaca catatan rilis")
    broadcast = BooleanField("Ajukan juga permintaan broadcast (disetujui Kepala Seksi)")
    channels = MultiCheckboxField("Kanal broadcast", validate_choice=True)
    group_ids = MultiCheckboxField("Kelompok penerima", validate_choice=False)
    other_recipients = TextAreaField(
        "Penerima lain (email atau nomor telepon, satu per baris)",
        validators=[Optional(), Length(max=5000)],
    )
    urgent = BooleanField("Mendesak (ditambah SMS)")
    contact_name = StringField(
        "Nama pejabat penanggung jawab", validators=[Optional(), Length(max=120)]
    )
    contact_position = StringField(
        "Jabatan (sekurang-kurangnya Eselon IV)", validators=[Optional(), Length(max=120)]
    )
    contact_phone = StringField("Telepon pejabat", validators=[Optional(), Length(max=40)])
    contact_email = StringField("Email pejabat", validators=[Optional(), Length(max=254)])

    def __init__(self, *args, items=(), groups=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.ci_id.choices = choices([("", "— pilih —"), *items])
        self.audience.choices = choices((a.value, a.label) for a in Audience)
        self.channels.choices = choices((c.value, c.label) for c in BroadcastChannel)
        self.group_ids.choices = choices((g.id, g.name) for g in groups)


class ClarifyForm(HaiForm):
    body = TextAreaField(
        "Jawaban klarifikasi", validators=[DataRequired(REQUIRED), Length(max=5000)]
    )
