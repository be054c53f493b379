"""Jobs: background work a person waits for is a database row first, a Celery message second.

The row (a model built on :class:`Job`) holds the state (``queued`` → ``running`` → ``done`` or
``failed``), the attempts, the last error, the timestamps and the id of the Celery message that may
work on it. The message carries only the row's id. So:

- a request writes the row and sends the message when its transaction commits
  (:func:`dispatch_on_commit`). A broker that cannot be reached does not fail the request: the
  publish has a short connect timeout and no retries, the row stays ``queued``, and the page says the
  job runs as soon as the job system is back;
- :func:`recover` (``manage.py recover_jobs``, Celery beat every 5 minutes) sends again what no
  worker took, re-runs what ran past its time limit (a killed worker, a lost connection), at most
  ``MAX_ATTEMPTS`` times, and then marks it failed with a reason a person can act on;
- a task claims its row with a conditional UPDATE (:func:`claim`), so a message that arrives twice,
  late or after the row moved on does nothing; the work itself must be idempotent (the send-out
  records each recipient before it mails them, a report is one row and one version).

Each kind of job is registered once (:func:`register`) with its model, its task's name and time
limits; ``recover`` walks the registry. Models here are abstract, so ``common`` needs no app.
"""

import logging
import time
import uuid
from dataclasses import dataclass
from datetime import datetime, timedelta

from django.conf import settings
from django.db import InterfaceError, OperationalError, close_old_connections, models, transaction
from django.db.models import F, Min, Q
from django.utils import timezone
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from common.dispatch import task_named

logger = logging.getLogger(__name__)

MAX_ATTEMPTS = 3
# A queued job that no worker has taken after this long is sent again by ``recover``.
QUEUED_GRACE = timedelta(minutes=1)
# Extra time after a job's hard time limit before ``recover`` treats it as lost.
RUNNING_GRACE = timedelta(minutes=1)
# Database errors that pass: retried with backoff by the task, never a reason to give up at once.
TRANSIENT_ERRORS: tuple[type[BaseException], ...] = (OperationalError, InterfaceError, ConnectionError)
# Marking a job failed while the database is away: wait this long between tries (75 s in all), then
# leave it to ``recover`` (the job stays ``running`` and is found past its time limit).
MARK_BACKOFF_SECONDS = (5, 10, 20, 40)


class JobState(models.TextChoices):
    QUEUED = "queued", _("I kø")
    RUNNING = "running", _("I gang")
    DONE = "done", _("Færdig")
    FAILED = "failed", _("Fejlet")


ACTIVE_STATES = (JobState.QUEUED, JobState.RUNNING)


class Job(models.Model):
    """The bookkeeping every job row carries. A subclass may redeclare ``state`` with its own labels
    ("Sendes", "Dannes") but must keep the four values."""

    state = models.CharField(_("tilstand"), max_length=10, choices=JobState.choices, default=JobState.QUEUED)
    attempts = models.PositiveSmallIntegerField(_("forsøg"), default=0)
    last_error = models.TextField(_("seneste fejl"), blank=True)
    queued_at = models.DateTimeField(_("sat i kø"), default=timezone.now)
    started_at = models.DateTimeField(_("startet"), null=True, blank=True)
    finished_at = models.DateTimeField(_("afsluttet"), null=True, blank=True)
    task_id = models.CharField(
        _("job-id"), max_length=64, blank=True, help_text=_("Id på den Celery-besked, der må udføre jobbet.")
    )

    class Meta:
        abstract = True

    @property
    def is_active(self) -> bool:
        return self.state in ACTIVE_STATES

    @property
    def is_failed(self) -> bool:
        return self.state == JobState.FAILED

    @property
    def is_waiting_for_job_system(self) -> bool:
        """Queued, and the last try to hand it to the job system failed (shown on the page)."""
        return self.state == JobState.QUEUED and self.last_error.startswith(BROKER_DOWN_PREFIX)


@dataclass
class JobKind:
    """One kind of job: its model, the Celery task that does it and that task's time limits (seconds)."""

    model: type[Job]
    task_name: str
    soft_time_limit: int
    time_limit: int
    label: str = ""

    def task_options(self) -> dict:
        """Options for the task's decorator: the limits and loss-free delivery."""
        return {
            "name": self.task_name,
            "soft_time_limit": self.soft_time_limit,
            "time_limit": self.time_limit,
            "acks_late": True,
            "reject_on_worker_lost": True,
            "ignore_result": True,
        }


REGISTRY: dict[str, JobKind] = {}


def register(kind: JobKind) -> JobKind:
    """Add a kind of job (idempotent: the task module may be imported more than once)."""
    values = {value for value, _label in kind.model._meta.get_field("state").choices}
    if values != set(JobState.values):
        raise ValueError(f"{kind.model.__name__}.state must have the values {sorted(JobState.values)}")
    if kind.time_limit <= kind.soft_time_limit:
        raise ValueError(f"{kind.task_name}: the hard time limit must be above the soft one")
    REGISTRY[kind.model._meta.label_lower] = kind
    return kind


def kind_for(model_or_instance) -> JobKind:
    return REGISTRY[model_or_instance._meta.label_lower]


def longest_time_limit() -> int:
    return max((kind.time_limit for kind in REGISTRY.values()), default=0)


# --- Sending --------------------------------------------------------------------------------------

BROKER_DOWN_PREFIX = "[jobsystem] "


def new_task_id() -> str:
    return str(uuid.uuid4())


def publish(job: Job) -> bool:
    """Hand the job's message to the broker now. False (and the row noted) when it cannot be reached.

    No retries and a short connect timeout (settings): a request never waits for a broker that is
    down. In-process (no broker configured) the task runs here; its own failure handling records
    any error on the row.
    """
    kind = kind_for(job)
    task = task_named(kind.task_name)
    try:
        task.apply_async(args=[job.pk], task_id=job.task_id, retry=False, ignore_result=True)
    except Exception as exc:  # kombu/redis raise many kinds; all mean "not queued"
        if task.app.conf.task_always_eager:
            # In-process (no broker, no worker to retry later): the job ends here, failed with its reason.
            logger.exception("%s %s: in-process job ended in an error", kind.task_name, job.pk)
            cause = getattr(exc, "exc", None) or exc  # a Retry carries the error it would retry
            mark_failed(type(job), job.pk, error=failure_reason(cause))
            return True
        logger.warning("%s %s: job system unreachable (%s); recover_jobs sends it later", kind.task_name, job.pk, exc)
        note = BROKER_DOWN_PREFIX + gettext(
            "Jobsystemet kunne ikke nås. Jobbet udføres automatisk, så snart jobsystemet er tilbage."
        )
        try:
            type(job).objects.filter(pk=job.pk, state=JobState.QUEUED).update(last_error=note)
        except Exception:  # the database may be down too; recover_jobs finds the row later
            logger.exception("%s %s: could not note the broker failure", kind.task_name, job.pk)
        job.last_error = note
        job.dispatch_failed = True
        return False
    job.dispatch_failed = False
    return True


def dispatch_on_commit(job: Job) -> None:
    """Send the job's message when the current transaction commits (so the worker finds the row).

    After the commit, ``job.dispatch_failed`` tells the caller whether the broker took it.
    """
    job.dispatch_failed = None
    transaction.on_commit(lambda: publish(job))


# --- The row's life, as seen from a task ------------------------------------------------------------


def record_history(model: type[Job], pk: int, reason: str) -> None:
    """Transitions are conditional UPDATEs (no ``save()``), so the history row is written here, when the
    model keeps history (django-simple-history); ``reason`` says what the job system did."""
    from simple_history.utils import get_history_manager_for_model

    try:
        manager = get_history_manager_for_model(model)
    except Exception:  # the model keeps no history
        return
    row = model.objects.filter(pk=pk).first()
    if row is not None:
        manager.bulk_history_create([row], update=True, default_change_reason=reason[:100])


def claim(
    model: type[Job],
    pk: int,
    *,
    task_id: str | None,
    retried: bool = False,
    now: datetime | None = None,
) -> bool:
    """queued → running, for the message whose id the row names (or any message when the row names
    none; any caller, with ``task_id`` None: a command or a test running the work directly).
    A running row is re-claimed only by the same message coming back: a retry after a passing
    error, a redelivery after a lost worker, or once the row is past its hard time limit.
    Returns whether this caller may do the work."""
    now = now or timezone.now()
    mine = (Q(task_id=task_id) | Q(task_id="")) if task_id else Q()
    claimed = model.objects.filter(mine, pk=pk, state=JobState.QUEUED).update(
        task_id=task_id or F("task_id"),
        state=JobState.RUNNING,
        started_at=now,
        finished_at=None,
        attempts=F("attempts") + 1,
    )
    if claimed or not task_id:
        if claimed:
            record_history(model, pk, "job: started")
        return bool(claimed)
    stale = now - timedelta(seconds=kind_for(model).time_limit)
    again = Q(started_at__isnull=True) | Q(started_at__lt=stale)
    if retried:
        again |= Q(pk=pk)
    return bool(model.objects.filter(again, pk=pk, state=JobState.RUNNING, task_id=task_id).update(started_at=now))


def finish(model: type[Job], pk: int, *, task_id: str | None = None, **fields) -> bool:
    """running → done (with the result's fields); nothing when another message owns the row now."""
    mine = Q(task_id=task_id) if task_id else Q()
    done = model.objects.filter(mine, pk=pk, state=JobState.RUNNING).update(
        state=JobState.DONE, finished_at=timezone.now(), last_error="", **fields
    )
    if done:
        record_history(model, pk, "job: done")
    return bool(done)


def failure_reason(exc: BaseException) -> str:
    """A Danish sentence a person can act on, followed by the technical error for the operator."""
    import smtplib

    from celery.exceptions import SoftTimeLimitExceeded, TimeLimitExceeded

    if isinstance(exc, TRANSIENT_ERRORS):
        reason = gettext("Databasen svarede ikke. Tryk «Prøv igen»; sker det igen, så kontakt driften.")
    elif isinstance(exc, SoftTimeLimitExceeded | TimeLimitExceeded):
        reason = gettext(
            "Jobbet tog længere end tilladt og blev stoppet. Tryk «Prøv igen»; sker det igen, så kontakt driften."
        )
    elif isinstance(exc, smtplib.SMTPException):
        reason = gettext(
            "Mailserveren tog ikke imod e-mailene. Tryk «Prøv igen» om lidt; sker det igen, så kontakt driften."
        )
    elif isinstance(exc, OSError):
        reason = gettext(
            "En fil kunne ikke læses eller gemmes (fx fuld disk). Kontakt driften, og tryk så «Prøv igen»."
        )
    else:
        reason = gettext("Uventet fejl. Tryk «Prøv igen»; sker det igen, så send fejlteksten til driften.")
    return f"{reason}\n{exc.__class__.__name__}: {exc}"[:5000]


def lost_reason(attempts: int) -> str:
    return gettext(
        "Jobbet blev afbrudt %(attempts)s gange (arbejdsprocessen stoppede, eller forbindelsen til databasen "
        "blev afbrudt). Tryk «Prøv igen»; sker det igen, så kontakt driften."
    ) % {"attempts": attempts}


def _with_database_retries(update, what: str) -> bool:
    """Run a small UPDATE; while the database is away, try again with backoff, then give up (logged)."""
    from django.db import connection

    for delay in (*MARK_BACKOFF_SECONDS, None):
        try:
            if not connection.in_atomic_block:  # inside a transaction the caller owns the connection
                close_old_connections()
            update()
            return True
        except TRANSIENT_ERRORS as exc:
            if delay is None:
                logger.error("%s: database still unreachable (%s); recover_jobs will find the job", what, exc)
                return False
            logger.warning("%s: database unreachable (%s); trying again in %s s", what, exc, delay)
            if not connection.in_atomic_block:
                connection.close()  # a broken connection is reopened on the next try
            time.sleep(delay)
    return False


def mark_failed(model: type[Job], pk: int, *, error: str, task_id: str | None = None) -> bool:
    """queued/running → failed with ``error``. Survives a database outage of about a minute."""
    mine = Q(task_id=task_id) if task_id else Q()

    def update():
        if model.objects.filter(mine, pk=pk, state__in=ACTIVE_STATES).update(
            state=JobState.FAILED, last_error=error[:5000], finished_at=timezone.now()
        ):
            record_history(model, pk, "job: failed")

    return _with_database_retries(update, f"{model.__name__} {pk}: marking failed")


def record_failure(model: type[Job], pk: int, *, task_id: str | None, exc: BaseException) -> None:
    """A task gave up (retries spent or an error that retrying will not cure): fail the job with a
    reason; a job stopped by its time limit gets another attempt while it has attempts left."""
    from celery.exceptions import SoftTimeLimitExceeded, TimeLimitExceeded

    if isinstance(exc, SoftTimeLimitExceeded | TimeLimitExceeded):

        def again():
            return requeue_running(model, pk, task_id=task_id, error=failure_reason(exc))

        if _with_database_retries(again, f"{model.__name__} {pk}: requeue after time limit"):
            return
    mark_failed(model, pk, error=failure_reason(exc), task_id=task_id)


def requeue_running(model: type[Job], pk: int, *, task_id: str | None, error: str) -> bool:
    """A running job that will not finish: back in the queue with a new message id (and sent on commit)
    while it has attempts left; otherwise failed. Returns whether it was requeued."""
    with transaction.atomic():
        job = model.objects.select_for_update().filter(pk=pk, state=JobState.RUNNING).first()
        if job is None or (task_id and job.task_id != task_id):
            return False
        if job.attempts >= MAX_ATTEMPTS:
            model.objects.filter(pk=pk).update(
                state=JobState.FAILED, finished_at=timezone.now(), last_error=f"{lost_reason(job.attempts)}\n{error}"
            )
            record_history(model, pk, "job: failed after the last attempt")
            return False
        job.state, job.task_id, job.queued_at, job.last_error = JobState.QUEUED, new_task_id(), timezone.now(), error
        model.objects.filter(pk=pk).update(
            state=job.state, task_id=job.task_id, queued_at=job.queued_at, started_at=None, last_error=error[:5000]
        )
        record_history(model, pk, "job: queued again")
        dispatch_on_commit(job)
        return True


def retry_failed(job: Job) -> bool:
    """A person pressed «Prøv igen»: failed → queued with fresh attempts and a new message, sent on commit."""
    model = type(job)
    with transaction.atomic():
        updated = model.objects.filter(pk=job.pk, state=JobState.FAILED).update(
            state=JobState.QUEUED,
            attempts=0,
            last_error="",
            queued_at=timezone.now(),
            started_at=None,
            finished_at=None,
            task_id=new_task_id(),
        )
        if not updated:
            return False
        record_history(model, job.pk, "job: tried again by a person")
        job.refresh_from_db()
        dispatch_on_commit(job)
    return True


# --- Recovery ---------------------------------------------------------------------------------------


@dataclass
class RecoveryReport:
    resent: int = 0
    rerun: int = 0
    failed: int = 0

    def __str__(self) -> str:
        return f"sent again: {self.resent}, re-run: {self.rerun}, failed: {self.failed}"


def recover(*, now: datetime | None = None, queued_grace: timedelta = QUEUED_GRACE) -> RecoveryReport:
    """Send again the queued jobs no worker took within a minute; re-run the running jobs past their
    hard time limit (a new message id, so a late message of the lost run does nothing) until they have
    had ``MAX_ATTEMPTS`` attempts; then mark them failed with a reason a person can act on.
    Safe to run at any time and in parallel with workers (a job sent twice runs once: the second
    message finds it running). ``queued_grace`` 0 sends every queued job at once (after an outage)."""
    now = now or timezone.now()
    result = RecoveryReport()
    for kind in REGISTRY.values():
        model = kind.model
        for job in model.objects.filter(state=JobState.QUEUED, queued_at__lte=now - queued_grace).order_by("pk"):
            if not job.task_id:
                model.objects.filter(pk=job.pk, task_id="").update(task_id=new_task_id())
                job.refresh_from_db()
            if publish(job):
                if job.last_error.startswith(BROKER_DOWN_PREFIX):
                    model.objects.filter(pk=job.pk, state=JobState.QUEUED).update(last_error="")
                result.resent += 1
        lost_before = now - timedelta(seconds=kind.time_limit) - RUNNING_GRACE
        stale = model.objects.filter(state=JobState.RUNNING).filter(
            Q(started_at__lt=lost_before) | Q(started_at__isnull=True, queued_at__lt=lost_before)
        )
        for pk in stale.values_list("pk", flat=True).order_by("pk"):
            if requeue_running(model, pk, task_id=None, error=gettext("Jobbet blev afbrudt og startes igen.")):
                result.rerun += 1
            elif model.objects.filter(pk=pk, state=JobState.FAILED).exists():
                result.failed += 1
    return result


def oldest_queued_at() -> datetime | None:
    """When the longest-waiting queued job was queued (None when nothing waits)."""
    times = [
        kind.model.objects.filter(state=JobState.QUEUED).aggregate(oldest=Min("queued_at"))["oldest"]
        for kind in REGISTRY.values()
    ]
    times = [t for t in times if t is not None]
    return min(times) if times else None


def visibility_timeout_is_safe() -> bool:
    """The broker must not hand a message to a second worker while the first may still be on it."""
    timeout = settings.CELERY_BROKER_TRANSPORT_OPTIONS.get("visibility_timeout", 3600)
    return timeout > longest_time_limit()


# --- The Celery side ------------------------------------------------------------------------------------


def kind_for_task(name: str) -> JobKind:
    return next(kind for kind in REGISTRY.values() if kind.task_name == name)


def is_retry(request) -> bool:
    """The same message again: Celery's own retry, or the broker's redelivery after a lost worker."""
    delivery_info = getattr(request, "delivery_info", None) or {}
    return bool((getattr(request, "retries", 0) or 0) > 0 or delivery_info.get("redelivered"))


try:
    from celery import Task
except ImportError:  # pragma: no cover - Celery is a hard dependency of the project
    Task = object


class JobTask(Task):
    """Base for a job's task (``@shared_task(base=JobTask, bind=True, **kind.task_options())``).

    A passing database error is retried with backoff (5, 10, 20, 40 s: over a minute, so a short
    outage is waited out); when the task gives up, the row is marked failed with a reason, which itself
    waits out a database outage of about a minute and otherwise leaves the row to ``recover``.
    """

    abstract = True
    autoretry_for = TRANSIENT_ERRORS
    retry_backoff = 5
    retry_backoff_max = 120
    retry_jitter = False
    max_retries = 4

    def on_failure(self, exc, task_id, args, kwargs, einfo):
        pk = args[0] if args else next(iter(kwargs.values()), None)
        if pk is not None:
            record_failure(kind_for_task(self.name).model, pk, task_id=task_id, exc=exc)
        super().on_failure(exc, task_id, args, kwargs, einfo)
