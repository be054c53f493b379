from celery import shared_task


@shared_task
def ping() -> str:
    """Answers 'pong': used by the health check tests to prove a worker is consuming the queue."""
    return "pong"
