"""Putting a rule's refusal beside the field it concerns."""

from __future__ import annotations

from collections.abc import Callable
from typing import TypeVar

from flask import flash
from flask_wtf import FlaskForm
from wtforms.fields.choices import SelectChoice

from hai.errors import RuleError
from hai.extensions import db

T = TypeVar("T")


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


def submit(form: FlaskForm, call: Callable[[], T]) -> tuple[bool, T | None]:
    """Run a service call for a validated form, as one transaction.

    On success commit and return (True, result). When a rule refuses, roll back,
    put the message beside its field and return (False, None).
    """
    try:
        result = call()
    except RuleError as exc:
        db.session.rollback()
        attach_error(form, exc.message, exc.field)
        return False, None
    db.session.commit()
    return True, result
