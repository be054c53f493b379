"""Thin views for the portal's own pages: home, plan list, plan page and the health check."""

from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.db import connection
from django.http import JsonResponse
from django.shortcuts import redirect, render
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

from governance.selectors import plan_organisation_chart
from monitoring.selectors import plan_goal_summary
from plans import access
from plans.selectors import plan_commitment_summary, plan_current_agreement, plan_list

from .celery import app as celery_app

# The page each role lands on after login, most specific role first.
LANDING_PAGES = [
    (access.Role.MUNICIPAL_COORDINATOR, "overview"),
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
    plan = access.get_plan_or_404(request.user, plan_id, queryset=plan_list(user=request.user))
    context = {
        "plan": plan,
        "chart": plan_organisation_chart(user=request.user, plan=plan),
        "agreement": plan_current_agreement(plan=plan),
        "commitments": plan_commitment_summary(plan=plan),
        "goal_summary": plan_goal_summary(user=request.user, plan=plan),
        "can_manage": access.can(request.user, access.MANAGE, plan),
    }
    return render(request, "portal/plan_detail.html", context)


def _database_status() -> str:
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
    except Exception as exc:  # any driver error means "down"; the message helps the operator
        return f"error: {exc.__class__.__name__}"
    return "ok"


def _broker_status() -> str:
    if settings.CELERY_TASK_ALWAYS_EAGER:
        return "eager"
    try:
        with celery_app.connection_for_write() as conn:
            conn.ensure_connection(max_retries=1, timeout=2)
    except Exception as exc:  # the broker library raises many kinds; all mean "unreachable"
        return f"error: {exc.__class__.__name__}"
    return "ok"


@never_cache
@require_GET
def healthz(request):
    """JSON with database and broker status; 200 when the database answers, 503 otherwise."""
    database, broker = _database_status(), _broker_status()
    status = 200 if database == "ok" else 503
    return JsonResponse(
        {"status": "ok" if status == 200 else "error", "database": database, "broker": broker}, status=status
    )
