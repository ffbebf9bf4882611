from __future__ import annotations

from wtforms import BooleanField, DateField, IntegerField, SelectField, StringField, TimeField
from wtforms.validators import DataRequired, InputRequired, Length, NumberRange

from hai.web.forms import HaiForm, choices

REQUIRED = "Wajib diisi."


class EntryForm(HaiForm):
    """One roster entry: agent × date × shift × channel."""

    agent_id = SelectField("Agen", validators=[DataRequired(REQUIRED)])
    day = DateField("Tanggal", validators=[InputRequired(REQUIRED)])
    shift_id = SelectField("Shift", validators=[DataRequired(REQUIRED)])
    channel = SelectField("Kanal", validators=[DataRequired(REQUIRED)])

    def __init__(self, *args, agents=(), shifts=(), channels=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.agent_id.choices = choices([("", "— pilih agen —"), *agents])
        self.shift_id.choices = choices([("", "— pilih shift —"), *shifts])
        self.channel.choices = choices([("", "— pilih kanal —"), *channels])


class CopyWeekForm(HaiForm):
    """Copy the previous week into the week shown (its Monday)."""

    week = DateField("Minggu", validators=[InputRequired(REQUIRED)])


class ShiftForm(HaiForm):
    name = StringField("Nama shift", validators=[DataRequired(REQUIRED), Length(max=40)])
    starts = TimeField("Mulai (WIB)", validators=[InputRequired(REQUIRED)])
    ends = TimeField("Selesai (WIB)", validators=[InputRequired(REQUIRED)])
    break_minutes = IntegerField(
        "Jatah istirahat (menit)",
        default=30,
        validators=[InputRequired(REQUIRED), NumberRange(min=0, max=240, message="0 sampai 240.")],
    )
    is_active = BooleanField("Aktif (dapat dipakai untuk jadwal baru)", default=True)


class ButtonForm(HaiForm):
    """A button's form: only its CSRF token (remove an entry, start or end a break)."""
