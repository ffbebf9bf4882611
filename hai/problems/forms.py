from __future__ import annotations

from wtforms import HiddenField, SelectField, StringField, TextAreaField
from wtforms.validators import DataRequired, Length, Optional

from hai.web.forms import HaiForm, choices

REQUIRED = "Wajib diisi."
LONG = Length(max=20_000, message="Paling banyak 20.000 karakter.")
MESSAGE = Length(max=5_000, message="Paling banyak 5.000 karakter.")


class _Versioned(HaiForm):
    row_version = HiddenField()


class NewProblemForm(HaiForm):
    title = StringField("Judul", validators=[DataRequired(REQUIRED), Length(min=5, max=200)])
    description = TextAreaField("Uraian gejala", validators=[Optional(), LONG])
    ci_id = SelectField("Item konfigurasi", validators=[Optional()])
    ticket_numbers = StringField(
        "Tiket terkait (nomor, pisahkan dengan koma)", validators=[Optional(), Length(max=2000)]
    )

    def __init__(self, *args, items=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.ci_id.choices = choices([("", "— belum diketahui —"), *items])


class ConfirmForm(_Versioned):
    title = StringField(
        "Judul masalah", validators=[DataRequired(REQUIRED), Length(min=5, max=200)]
    )


class DismissForm(_Versioned):
    reason = TextAreaField("Alasan menolak saran", validators=[DataRequired(REQUIRED), MESSAGE])


class AnalysisForm(_Versioned):
    title = StringField("Judul", validators=[DataRequired(REQUIRED), Length(min=5, max=200)])
    description = TextAreaField("Uraian gejala", validators=[Optional(), LONG])
    ci_id = SelectField("Item konfigurasi", validators=[Optional()])
    root_cause = TextAreaField("Analisis akar masalah", validators=[Optional(), LONG])
    fix_reference = StringField(
        "Rujukan perbaikan permanen (mis. nomor RFC)", validators=[Optional(), Length(max=200)]
    )

    def __init__(self, *args, items=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.ci_id.choices = choices([("", "— belum diketahui —"), *items])


class WorkaroundForm(_Versioned):
    workaround = TextAreaField(
        "Solusi sementara (diterbitkan sebagai artikel internal HAIPEDIA)",
        validators=[DataRequired(REQUIRED), LONG],
    )


class FixedForm(_Versioned):
    fix_note = TextAreaField(
        "Perbaikan permanen yang dilakukan", validators=[DataRequired(REQUIRED), LONG]
    )
    fix_reference = StringField(
        "Rujukan perbaikan (mis. nomor RFC)", validators=[Optional(), Length(max=200)]
    )


class CloseForm(_Versioned):
    message = TextAreaField(
        "Jawaban kepada setiap pemohon tiket terkait yang masih terbuka",
        validators=[DataRequired(REQUIRED), MESSAGE],
    )


class AnswerForm(_Versioned):
    body = TextAreaField(
        "Balasan kepada setiap pemohon tiket terkait yang masih terbuka",
        validators=[DataRequired(REQUIRED), MESSAGE],
    )


class LinkNumberForm(HaiForm):
    number = StringField("Nomor tiket", validators=[DataRequired(REQUIRED), Length(max=20)])


class LinkForm(HaiForm):
    """From the ticket page: the problem to link the ticket to."""

    problem_id = SelectField("Masalah", validators=[DataRequired("Pilih masalah.")])

    def __init__(self, *args, problems=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.problem_id.choices = choices([("", "— pilih masalah —"), *problems])


class PlainForm(HaiForm):
    """An action without fields: CSRF only."""
