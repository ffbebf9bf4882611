"""The scheduled job that empties the outbox (see hai.scheduler)."""

from __future__ import annotations

from datetime import datetime

from flask import current_app

from hai.mail.sender import SmtpSettings, deliver_due


def send_outbox(now: datetime) -> dict:
    """Send the due messages; runs in the app context the scheduler provides."""
    return deliver_due(SmtpSettings.from_config(current_app.config), now=now)


def poll_imap(now: datetime) -> dict:
    """Take in the mailbox's unseen messages (nothing when HAI_IMAP_HOST is empty)."""
    from hai.mail.imap import poll_mailbox

    return poll_mailbox(now)
