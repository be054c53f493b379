"""Thin views for the portal's own pages: home, plan list, plan page and the health check."""

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.db import connection
from django.http import JsonResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views import defaults
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from common import jobs
from governance.bodies.selectors import plan_organisation_chart
from governance.meetings.selectors import plan_meetings_around
from monitoring.selectors import plan_goal_summary
from plans import access
from plans.models import Commitment
from plans.selectors import plan_commitment_summary, plan_current_agreement, plan_list

from .celery import app as celery_app
from .forms import ApiTokenForm, LoginForm
from .models import ApiToken, Heartbeat
from .services import api_token_create, api_token_revoke
from .signals import SESSION_ROLES_KEY

# The page each role lands on after login, most specific role first.
LANDING_PAGES = [
    (access.Role.MUNICIPAL_COORDINATOR, "overview"),
    (access.Role.SECRETARIAT_LEAD, "my-secretariat"),
    (access.Role.SECRETARIAT_STAFF, "my-secretariat"),
    (access.Role.BOARD_MEMBER, "reading-room"),
]


@login_required
def home(request):
    roles = access.user_roles(request.user)
    for role, url_name in LANDING_PAGES:
        if role in roles:
            return redirect(url_name)
    return redirect("plan-list")


@login_required
def plan_list_view(request):
    return render(request, "portal/plan_list.html", {"plans": plan_list(user=request.user)})


@login_required
def plan_detail_view(request, plan_id: int):
    # Whether the user may change the plan comes with the plan (one query fewer than ``access.can``).
    plans = access.with_can(plan_list(user=request.user), request.user, access.CHANGE, "may_change")
    plan = access.get_plan_or_404(request.user, plan_id, queryset=plans)
    chart = plan_organisation_chart(user=request.user, plan=plan)
    upcoming_meetings, past_meetings = plan_meetings_around(user=request.user, plan=plan, now=timezone.now())
    context = {
        "upcoming_meetings": upcoming_meetings,
        "past_meetings": past_meetings,
        "plan": plan,
        "chart": chart,
        "composition_warnings": chart.composition,
        "can_see_lbf_year": _may_read_lbf_year(request),
        "agreement": plan_current_agreement(plan=plan),
        "commitments": plan_commitment_summary(plan=plan, commitments=access.visible(request.user, Commitment)),
        "goal_summary": plan_goal_summary(user=request.user, plan=plan),
        "can_manage": plan.may_change,
    }
    return render(request, "portal/plan_detail.html", context)


def _may_read_lbf_year(request) -> bool:
    """Offer the årshjul link unless the user is only a steering-group member (from the roles remembered
    at login: no query; the årshjul page itself asks ``plans.access``)."""
    roles = request.session.get(SESSION_ROLES_KEY)
    if request.user.is_superuser or roles is None:
        return True
    return bool({str(role) for role in access.LBF_YEAR_READERS} & set(roles))


@never_cache
@login_required
@require_http_methods(["GET", "POST"])
def api_token_list_view(request):
    """Profil → API-tokens: the user's own tokens; a new key is shown once, in the answer to the POST."""
    form = ApiTokenForm(request.POST or None)
    new_key = new_token = None
    if request.method == "POST" and form.is_valid():
        try:
            new_token, new_key = api_token_create(
                user=request.user, name=form.cleaned_data["name"], expires_at=form.expires_at
            )
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            form = ApiTokenForm()
    tokens = access.visible(request.user, ApiToken).order_by("-created", "-pk")
    context = {"form": form, "tokens": tokens, "new_key": new_key, "new_token": new_token}
    return render(request, "portal/api_tokens.html", context, status=400 if form.errors else 200)


@login_required
@require_POST
def api_token_revoke_view(request, token_id: int):
    token = access.get_or_404(request.user, ApiToken, access.CHANGE, pk=token_id)
    api_token_revoke(token=token)
    messages.success(request, _("Tokenet «%(name)s» er tilbagekaldt.") % {"name": token.name})
    return redirect("api-tokens")


def login_locked_out(request, response=None, credentials=None):
    """django-axes' lockout answer (AXES_LOCKOUT_CALLABLE): the login page with the lockout message, 429."""
    context = {
        "form": LoginForm(request),
        "locked_out": True,
        "cooloff_minutes": settings.AXES_COOLOFF_MINUTES,
        "next": request.POST.get("next", "") if request.method == "POST" else "",
    }
    return render(request, "registration/login.html", context, status=429)


def bad_request(request, exception=None):
    """400 (e.g. a body over DATA_UPLOAD_MAX_MEMORY_SIZE) in the API's JSON error shape under /api/."""
    if request.path.startswith("/api/"):
        return JsonResponse({"detail": _("Ugyldig forespørgsel."), "errors": {}}, status=400)
    return defaults.bad_request(request, exception)


def permission_denied(request, exception=None):
    """403 in the API's JSON error shape under /api/, templates/403.html (the site layout) elsewhere."""
    if request.path.startswith("/api/"):
        return JsonResponse({"detail": _("Ingen adgang."), "errors": {}}, status=403)
    return defaults.permission_denied(request, exception)


def page_not_found(request, exception=None):
    """404 in the API's JSON error shape under /api/, templates/404.html (the site layout) elsewhere."""
    if request.path.startswith("/api/"):
        return JsonResponse({"detail": _("Ikke fundet."), "errors": {}}, status=404)
    return defaults.page_not_found(request, exception)


def server_error(request):
    """500 in the API's JSON error shape under /api/, templates/500.html elsewhere.

    Django renders 500.html without the request, so no context processor runs: the page makes no
    database query and renders while the database is down."""
    if request.path.startswith("/api/"):
        return JsonResponse({"detail": _("Serverfejl."), "errors": {}}, status=500)
    return defaults.server_error(request)


def csrf_failure(request, reason=""):
    """CSRF_FAILURE_VIEW: a form sent without a valid security token (an old tab, cookies blocked) gets
    templates/403_csrf.html in the site layout with a way back, the API's JSON error shape under /api/."""
    if request.path.startswith("/api/"):
        return JsonResponse({"detail": _("CSRF-kontrollen fejlede."), "errors": {}}, status=403)
    return render(request, "403_csrf.html", status=403)


def _database_status() -> str:
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
    except Exception as exc:  # any driver error means "down"; the message helps the operator
        return f"error: {exc.__class__.__name__}"
    return "ok"


def _broker_status() -> str:
    if celery_app.conf.task_always_eager:
        return "eager"
    try:
        with celery_app.connection_for_write() as conn:
            conn.ensure_connection(max_retries=0, timeout=settings.JOB_BROKER_CONNECT_TIMEOUT)
    except Exception as exc:  # the broker library raises many kinds; all mean "unreachable"
        return f"error: {exc.__class__.__name__}"
    return "ok"


def _workers_status(now) -> dict:
    """The heartbeat ``recover_jobs`` stamps on a worker every JOB_RECOVER_INTERVAL seconds (beat →
    broker → worker → database): 'ok' while fresh, 'stale' after three missed beats, 'never'."""
    if celery_app.conf.task_always_eager:
        return {"status": "eager"}
    try:
        beat_at = Heartbeat.objects.filter(name=Heartbeat.RECOVER_JOBS).values_list("beat_at", flat=True).first()
    except Exception as exc:  # database down: reported by the database check
        return {"status": f"error: {exc.__class__.__name__}"}
    if beat_at is None:
        return {"status": "never"}
    age = (now - beat_at).total_seconds()
    fresh = age <= 3 * settings.JOB_RECOVER_INTERVAL
    return {"status": "ok" if fresh else "stale", "last_beat": beat_at.isoformat(), "age_seconds": round(age)}


def _jobs_status(now) -> dict:
    try:
        oldest = jobs.oldest_queued_at()
    except Exception as exc:  # database down: reported by the database check
        return {"status": f"error: {exc.__class__.__name__}"}
    age = round((now - oldest).total_seconds()) if oldest else 0
    late = oldest is not None and age > (settings.JOB_RECOVER_INTERVAL + jobs.QUEUED_GRACE.total_seconds())
    return {"status": "waiting" if late else "ok", "oldest_queued_age_seconds": age}


@never_cache
@require_GET
def healthz(request):
    """JSON for the operator and the load balancer (docs/operations.md): database, broker, workers (the
    beat heartbeat) and the oldest queued job's age. 503 only when the database does not answer (the
    site cannot work); a broken job system is 200 with ``"status": "degraded"``, because pages still
    work and jobs wait safely in the database."""
    now = timezone.now()
    database, broker = _database_status(), _broker_status()
    workers = _workers_status(now) if database == "ok" else {"status": "unknown"}
    queue = _jobs_status(now) if database == "ok" else {"status": "unknown"}
    if database != "ok":
        overall, status = "error", 503
    elif broker not in ("ok", "eager") or workers["status"] not in ("ok", "eager") or queue["status"] != "ok":
        overall, status = "degraded", 200
    else:
        overall, status = "ok", 200
    body = {"status": overall, "database": database, "broker": broker, "workers": workers, "jobs": queue}
    return JsonResponse(body, status=status)
