"""The portal's URLs plus bare Django JSON views, served in the same process, as baselines for
``manage.py bench`` (``bench/run.py``). Only the bench command routes here (``ROOT_URLCONF``)."""

import json

from django.db import transaction
from django.http import Http404, JsonResponse
from django.urls import path
from django.views.decorators.csrf import csrf_exempt

from common.periods import parse_period
from monitoring.models import Measurement
from plans.api_lean import lean_plan
from portal.api import APP_ROUTES
from portal.urls import urlpatterns as portal_urlpatterns

PAGE_SIZE = 50
VIEWSETS = {prefix: viewset for routes in APP_ROUTES for prefix, viewset, _name in routes}


def bare_list(request, prefix: str):
    """The API list's first cursor page for the same signed-in reader, served by plain Django.

    The same rows: the list's own fields, to-many id lists and nested rows, read by the same
    ``.values()`` query (``plans.api_lean`` names its columns) and turned into the same JSON values.
    Left out is what the API adds around the rows: DRF's dispatch, token authentication, throttle,
    access scope, filter set, paginator and renderer. ``tests/test_bench_smoke.py`` checks that both
    answer with the same rows.
    """
    viewset = VIEWSETS.get(prefix)
    if viewset is None:
        raise Http404
    if not request.user.is_authenticated:  # the reader, as Django's session knows it
        return JsonResponse({"detail": "login"}, status=401)
    view = viewset()
    plan = lean_plan(viewset.serializer_class, view)
    context = {"request": request}
    arrays = plan.array_annotations(context)
    model = viewset.serializer_class.Meta.model
    values = list(model._default_manager.annotate(**arrays).order_by("pk").values(*plan.columns, *arrays)[:PAGE_SIZE])
    return JsonResponse({"next": None, "previous": None, "results": plan.rows(values, context)})


@csrf_exempt
def bare_create_measurements(request):
    """A list of measurements saved with one bulk_create: no auth, validation, history or idempotency."""
    items = json.loads(request.body)
    rows = []
    for item in items:
        period = parse_period(item["period"])  # the dates the model derives from the period text
        rows.append(
            Measurement(
                indicator_id=item["indicator"],
                period=period.label,
                period_start=period.start,
                period_end=period.end,
                value=item["value"],
                breakdown_value=item.get("breakdown_value", ""),
            )
        )
    with transaction.atomic():
        created = Measurement.objects.bulk_create(rows, batch_size=5000)
    return JsonResponse([{"id": obj.pk, "period": obj.period} for obj in created], safe=False, status=201)


urlpatterns = [
    *portal_urlpatterns,
    path("bench/bare/measurements/create/", bare_create_measurements),
    path("bench/bare/<str:prefix>/", bare_list),
]
