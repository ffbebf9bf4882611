"""Putting a rule's refusal beside the field it concerns."""

from __future__ import annotations

from flask import flash
from flask_wtf import FlaskForm
from wtforms.fields.choices import SelectChoice


def attach_error(form: FlaskForm, message: str, field: str | None) -> None:
    """Show ``message`` beside ``field`` if the form has it, else as a page message."""
    target = getattr(form, field, None) if field else None
    if target is not None and hasattr(target, "errors"):
        errors = list(target.errors) if not isinstance(target.errors, list) else target.errors
        errors.append(message)
        target.errors = errors
    else:
        flash(message, "error")


def choices(pairs) -> list[SelectChoice]:
    """WTForms 3.3+ choice objects from (value, label) pairs."""
    return [SelectChoice(str(value), label) for value, label in pairs]


class HaiForm(FlaskForm):
    """Base of every form: WTForms' own messages in Indonesian."""

    class Meta:
        def get_translations(self, form):
            from hai.web.form_messages import TRANSLATIONS

            return TRANSLATIONS
