from __future__ import annotations

from wtforms import (
    BooleanField,
    DateField,
    DateTimeLocalField,
    SelectField,
    StringField,
    TimeField,
)
from wtforms.validators import DataRequired, InputRequired, Length, Optional

from hai.sla.models import ExceptionKind
from hai.sla.policy import LEVEL_LABELS, PRIORITIES
from hai.web.forms import HaiForm, choices

REQUIRED = "Wajib diisi."


class ExceptionForm(HaiForm):
    start_date = DateField("Mulai tanggal", validators=[InputRequired(REQUIRED)])
    end_date = DateField("Sampai tanggal", validators=[Optional()])
    kind = SelectField("Jenis", choices=choices((k.value, k.label) for k in ExceptionKind))
    opens = TimeField("Jam buka", validators=[Optional()])
    closes = TimeField("Jam tutup", validators=[Optional()])
    reason = StringField(
        "Alasan / dasar", validators=[DataRequired("Alasan wajib diisi."), Length(max=300)]
    )


class PreviewForm(HaiForm):
    class Meta:
        csrf = False  # a GET form that changes nothing

    version = SelectField("Versi katalog/SLA")
    channel = SelectField("Kanal")
    scope = SelectField("Layanan / ruang lingkup", validators=[Optional()])
    received_at = DateTimeLocalField(
        "Diterima (WIB)", format="%Y-%m-%dT%H:%M", validators=[InputRequired(REQUIRED)]
    )
    escalated = BooleanField("Dieskalasi (perlu penanganan lebih lanjut)")
    priority = SelectField("Prioritas ditetapkan agen", validators=[Optional()])
    impact = SelectField("atau: dampak", validators=[Optional()])
    urgency = SelectField("dan kepentingan", validators=[Optional()])
    paused_hours = StringField("Jeda menunggu pengguna (jam kerja)", validators=[Optional()])

    def __init__(self, *args, version_choices=(), channel_choices=(), scope_choices=(), **kw):
        super().__init__(*args, **kw)
        self.version.choices = choices(version_choices)
        self.channel.choices = choices(channel_choices)
        self.scope.choices = [choices([("", "— tanpa ruang lingkup —")])[0], *scope_choices]
        self.priority.choices = choices(
            [("", "— tidak ditetapkan —"), *((p, p) for p in PRIORITIES)]
        )
        levels = [("", "—"), *LEVEL_LABELS.items()]
        self.impact.choices = choices(levels)
        self.urgency.choices = choices(levels)


def norms_form_class(channel_codes: list[str]):
    """A form with one field per priority, matrix cell and channel norm."""
    from wtforms import IntegerField
    from wtforms.validators import NumberRange

    from hai.sla.policy import LEVELS

    class NormsForm(HaiForm):
        pass

    for code in PRIORITIES:
        setattr(
            NormsForm,
            f"priority_{code}",
            IntegerField(
                f"{code} (jam kerja)",
                validators=[Optional(), NumberRange(min=1, max=2000)],
            ),
        )
    for impact in LEVELS:
        for urgency in LEVELS:
            setattr(
                NormsForm,
                f"matrix_{impact}_{urgency}",
                SelectField(
                    f"Dampak {LEVEL_LABELS[impact]}, kepentingan {LEVEL_LABELS[urgency]}",
                    choices=choices((p, p) for p in PRIORITIES),
                ),
            )
    for channel in channel_codes:
        for part, label in (("response", "tanggapan"), ("fulfilment", "pemenuhan")):
            setattr(
                NormsForm,
                f"channel_{channel}_{part}",
                IntegerField(
                    f"{channel} {label} (menit kerja)",
                    validators=[Optional(), NumberRange(min=0, max=120000)],
                ),
            )
    return NormsForm
