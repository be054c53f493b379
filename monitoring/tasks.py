"""Celery tasks for monitoring: thin, idempotent wrappers around services."""

from datetime import date

from celery import shared_task

from .obligations import obligation_reminders_send


@shared_task(acks_late=True)
def send_obligation_reminders(today: str | None = None) -> dict[str, int]:
    """Daily (beat): e-mail the LBF deadlines 30 and 7 days ahead, once per person and stage."""
    return obligation_reminders_send(today=date.fromisoformat(today) if today else None)
