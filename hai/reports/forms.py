from __future__ import annotations

from wtforms import HiddenField, SelectField, StringField, TextAreaField
from wtforms.validators import DataRequired, Length, Optional

from hai.web.forms import HaiForm

REQUIRED = "Wajib diisi."
LONG = Length(max=20_000, message="Paling banyak 20.000 karakter.")


class DraftForm(HaiForm):
    """Draft (or open) the report of a completed month or quarter."""

    period = SelectField("Periode", validators=[DataRequired(REQUIRED)])


class NarrativeForm(HaiForm):
    """A periodic report's texts."""

    row_version = HiddenField()
    summary = TextAreaField("Ringkasan", validators=[Optional(), LONG])
    problems = TextAreaField("Permasalahan", validators=[Optional(), LONG])
    recommendations = TextAreaField("Rekomendasi", validators=[Optional(), LONG])


class ProblemForm(HaiForm):
    """A problem report to the Kepala Seksi (KEP-428 Lampiran III 3.1.2, 3.2.2, 3.3.2)."""

    row_version = HiddenField()
    title = StringField("Judul", validators=[DataRequired(REQUIRED), Length(max=200)])
    problems = TextAreaField(
        "Permasalahan (dan informasi yang disampaikan)", validators=[Optional(), LONG]
    )
    regulation = TextAreaField("Peraturan terkait", validators=[Optional(), LONG])
    analysis = TextAreaField("Analisa atas permasalahan", validators=[Optional(), LONG])
    recommendations = TextAreaField(
        "Kesimpulan dan/atau rekomendasi", validators=[Optional(), LONG]
    )
    ticket_numbers = StringField(
        "Tiket terkait (nomor, pisahkan dengan koma)", validators=[Optional(), Length(max=2000)]
    )


class ActionForm(HaiForm):
    """Recompute or deliver: CSRF and the version the user saw."""

    row_version = HiddenField()


class RespondForm(HaiForm):
    row_version = HiddenField()
    response = TextAreaField("Tanggapan", validators=[DataRequired(REQUIRED), LONG])
