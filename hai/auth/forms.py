"""Forms of the auth domain (Indonesian labels)."""

from __future__ import annotations

from wtforms import (
    BooleanField,
    EmailField,
    HiddenField,
    IntegerField,
    PasswordField,
    SelectField,
    SelectMultipleField,
    StringField,
)
from wtforms.validators import DataRequired, Length, NumberRange, Optional
from wtforms.widgets import CheckboxInput, ListWidget

from hai.auth.roles import Role
from hai.catalog.user_types import USER_TYPES
from hai.web.forms import HaiForm, choices

REQUIRED = "Wajib diisi."


class LoginForm(HaiForm):
    email = EmailField("Email", validators=[DataRequired(REQUIRED), Length(max=254)])
    password = PasswordField("Kata sandi", validators=[DataRequired(REQUIRED), Length(max=128)])


class PasswordChangeForm(HaiForm):
    current_password = PasswordField("Kata sandi saat ini", validators=[DataRequired(REQUIRED)])
    new_password = PasswordField(
        "Kata sandi baru", validators=[DataRequired(REQUIRED), Length(max=128)]
    )
    confirm_password = PasswordField("Ulangi kata sandi baru", validators=[DataRequired(REQUIRED)])

    def validate_confirm_password(self, field):
        if field.data != self.new_password.data:
            from wtforms.validators import ValidationError

            raise ValidationError("Kata sandi baru dan ulangannya tidak sama.")


class ForgotPasswordForm(HaiForm):
    email = EmailField("Email", validators=[DataRequired(REQUIRED), Length(max=254)])


class NewPasswordForm(HaiForm):
    """The new password chosen through an emailed reset link."""

    password = PasswordField(
        "Kata sandi baru", validators=[DataRequired(REQUIRED), Length(max=128)]
    )
    confirm_password = PasswordField("Ulangi kata sandi baru", validators=[DataRequired(REQUIRED)])

    def validate_confirm_password(self, field):
        if field.data != self.password.data:
            from wtforms.validators import ValidationError

            raise ValidationError("Kata sandi baru dan ulangannya tidak sama.")


class MultiCheckboxField(SelectMultipleField):
    widget = ListWidget(prefix_label=False)
    option_widget = CheckboxInput()


def _role_choices():
    return [(r.value, r.label) for r in Role]


def _type_choices():
    return [("", "— bukan pengguna layanan —")] + [
        (str(n), f"{n}. {label}") for n, label in USER_TYPES.items()
    ]


class UserForm(HaiForm):
    email = EmailField(
        "Email",
        validators=[DataRequired(REQUIRED), Length(max=254)],
    )
    name = StringField("Nama lengkap", validators=[DataRequired(REQUIRED), Length(max=120)])
    position = StringField("Jabatan", validators=[Optional(), Length(max=120)])
    phone = StringField("Telepon", validators=[Optional(), Length(max=40)])
    unit_id = SelectField("Unit kerja", coerce=str, validate_choice=True)
    user_type = SelectField("Jenis pengguna (katalog)", validate_choice=True)
    roles = MultiCheckboxField("Peran", validators=[DataRequired("Pilih minimal satu peran.")])
    is_active = BooleanField("Akun aktif", default=True)
    password = PasswordField(
        "Kata sandi awal",
        validators=[DataRequired("Kata sandi awal wajib diisi."), Length(max=128)],
    )
    version = HiddenField()

    def __init__(self, *args, unit_choices=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.roles.choices = choices(_role_choices())
        self.user_type.choices = choices(_type_choices())
        self.unit_id.choices = choices([("", "(tanpa unit)"), *unit_choices])

    @property
    def selected_roles(self) -> list[Role]:
        return [Role(code) for code in self.roles.data or []]

    @property
    def selected_user_type(self) -> int | None:
        return int(self.user_type.data) if self.user_type.data else None

    @property
    def selected_unit_id(self) -> int | None:
        return int(self.unit_id.data) if self.unit_id.data else None


class ResetPasswordForm(HaiForm):
    password = PasswordField(
        "Kata sandi baru", validators=[DataRequired(REQUIRED), Length(max=128)]
    )


class UserFilterForm(HaiForm):
    class Meta:
        csrf = False

    q = StringField("Cari", validators=[Optional(), Length(max=100)])
    role = SelectField("Peran", validators=[Optional()])
    page = IntegerField(validators=[Optional(), NumberRange(min=1)])

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.role.choices = choices([("", "Semua peran"), *_role_choices()])
