"""Forms of the requester portal (Indonesian labels)."""

from __future__ import annotations

from wtforms import (
    EmailField,
    HiddenField,
    MultipleFileField,
    PasswordField,
    SelectField,
    StringField,
    TextAreaField,
)
from wtforms.validators import (
    DataRequired,
    InputRequired,
    Length,
    Optional,
    ValidationError,
)

from hai.catalog.user_types import USER_TYPES
from hai.tickets.models import TicketType
from hai.web.forms import HaiForm, choices

REQUIRED = "Wajib diisi."
FILES_HINT = (
    "doc, docx, gif, jpeg, jpg, pdf, png, ppt, pptx, rar, txt, xls, xlsx, zip; "
    "maks. 15 MB per berkas, 5 berkas sekali unggah."
)


class RegisterForm(HaiForm):
    name = StringField("Nama lengkap", validators=[DataRequired(REQUIRED), Length(max=120)])
    email = EmailField("Email", validators=[DataRequired(REQUIRED), Length(max=254)])
    phone = StringField("Telepon", validators=[DataRequired(REQUIRED), Length(max=40)])
    user_type = SelectField("Jenis pengguna", validators=[DataRequired(REQUIRED)])
    satker_name = StringField("Nama satker/unit", validators=[Optional(), Length(max=200)])
    satker_code = StringField("Kode satker", validators=[Optional(), Length(max=20)])
    password = PasswordField("Kata sandi", validators=[DataRequired(REQUIRED), Length(max=128)])
    confirm_password = PasswordField("Ulangi kata sandi", validators=[DataRequired(REQUIRED)])

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.user_type.choices = choices(
            [("", "— pilih —"), *((n, f"{n}. {label}") for n, label in USER_TYPES.items())]
        )

    def validate_confirm_password(self, field):
        if field.data != self.password.data:
            raise ValidationError("Kata sandi dan ulangannya tidak sama.")


class ResendForm(HaiForm):
    email = EmailField("Email", validators=[DataRequired(REQUIRED), Length(max=254)])


class ActivateForm(HaiForm):
    """Opening the link shows a button; the account is activated by its POST (a GET
    never changes state, and mail scanners that open links do not spend them)."""


class NewTicketForm(HaiForm):
    service = SelectField("Layanan", validators=[DataRequired("Pilih layanan.")])
    scope = SelectField("Ruang lingkup (opsional)", validators=[Optional()], validate_choice=False)
    ticket_type = SelectField(
        "Jenis permintaan",
        choices=choices((t.value, t.label) for t in TicketType if t is not TicketType.COMPLAINT),
    )
    subject = StringField("Subjek", validators=[DataRequired(REQUIRED), Length(max=300)])
    description = TextAreaField("Uraian", validators=[DataRequired(REQUIRED), Length(max=20000)])
    attachments = MultipleFileField("Lampiran (opsional)")

    def __init__(self, *args, service_choices=(), scope_choices=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.service.choices = choices([("", "— pilih layanan —"), *service_choices])
        self.scope.choices = choices([("", "— seluruh layanan / tidak tahu —"), *scope_choices])


class MessageForm(HaiForm):
    body = TextAreaField("Pesan", validators=[DataRequired(REQUIRED), Length(max=20000)])
    attachments = MultipleFileField("Lampiran (opsional)")
    row_version = HiddenField()


class DocumentsForm(HaiForm):
    body = TextAreaField(
        "Jawaban / keterangan dokumen", validators=[DataRequired(REQUIRED), Length(max=20000)]
    )
    attachments = MultipleFileField("Dokumen pendukung")
    row_version = HiddenField()


class ConfirmForm(HaiForm):
    row_version = HiddenField()


class ReopenForm(HaiForm):
    reason = TextAreaField(
        "Alasan membuka kembali", validators=[DataRequired(REQUIRED), Length(max=5000)]
    )
    row_version = HiddenField()


class RateForm(HaiForm):
    rating = SelectField(
        "Nilai",
        validators=[InputRequired("Pilih nilai 1 sampai 5.")],
        choices=choices(
            [
                ("", "— pilih —"),
                ("5", "5 — sangat puas"),
                ("4", "4 — puas"),
                ("3", "3 — cukup"),
                ("2", "2 — kurang"),
                ("1", "1 — sangat kurang"),
            ]
        ),
    )
    feedback = TextAreaField("Komentar", validators=[Optional(), Length(max=5000)])
    row_version = HiddenField()

    @property
    def value(self) -> int:
        return int(self.rating.data)
