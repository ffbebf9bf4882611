from __future__ import annotations

from wtforms import DateField, HiddenField, SelectField, StringField, TextAreaField
from wtforms.validators import DataRequired, Length, Optional

from hai.haipedia.models import ArticleKind, Audience
from hai.web.forms import HaiForm, choices

REQUIRED = "Wajib diisi."


class ArticleForm(HaiForm):
    title = StringField("Judul", validators=[DataRequired(REQUIRED), Length(max=200)])
    kind = SelectField("Jenis", validators=[DataRequired(REQUIRED)])
    audience = SelectField("Pembaca", validators=[DataRequired(REQUIRED)])
    body = TextAreaField("Isi (Markdown)", validators=[DataRequired(REQUIRED), Length(max=50_000)])
    service_code = StringField("Kode layanan katalog", validators=[Optional(), Length(max=32)])
    scope_code = StringField("Kode ruang lingkup", validators=[Optional(), Length(max=40)])
    tags = StringField("Label (pisahkan dengan koma)", validators=[Optional(), Length(max=900)])
    reg_number = StringField("Nomor peraturan", validators=[Optional(), Length(max=100)])
    reg_title = StringField("Judul peraturan", validators=[Optional(), Length(max=300)])
    reg_article = StringField("Pasal/ayat", validators=[Optional(), Length(max=100)])
    review_by = DateField("Tinjau ulang paling lambat", validators=[Optional()])
    owner_id = SelectField("Pemilik artikel", validators=[Optional()])
    note = StringField("Catatan perubahan", validators=[Optional(), Length(max=500)])
    row_version = HiddenField()

    def __init__(self, *args, owners=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.kind.choices = choices((k.value, k.label) for k in ArticleKind)
        self.audience.choices = choices((a.value, a.label) for a in Audience)
        self.owner_id.choices = choices([("", "(tetap)"), *owners])


class TextForm(HaiForm):
    body = TextAreaField("Catatan", validators=[Optional(), Length(max=2000)])
    revision = HiddenField()
    row_version = HiddenField()


class ConfirmForm(HaiForm):
    """A button with nothing to fill in (vote, use an article, "this answered me")."""

    value = HiddenField()
