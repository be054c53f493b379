"""The portal's URLs plus bare Django JSON views, served in the same process, as baselines for
``manage.py bench`` (``bench/run.py``). Only the bench command routes here (``ROOT_URLCONF``)."""

import json

from django.db import models, transaction
from django.http import Http404, JsonResponse
from django.urls import path
from django.views.decorators.csrf import csrf_exempt

from common.periods import parse_period
from monitoring.models import Measurement
from portal.api import APP_ROUTES
from portal.urls import urlpatterns as portal_urlpatterns

PAGE_SIZE = 50
MODELS = {prefix: viewset.serializer_class.Meta.model for routes in APP_ROUTES for prefix, viewset, _name in routes}


def _columns(model) -> list[str]:
    return [f.attname for f in model._meta.concrete_fields if not isinstance(f, models.BinaryField)]


def bare_list(request, prefix: str):
    """The first page of the same model's rows as the API list, from ``.values()``: no auth, scope or serializer."""
    model = MODELS.get(prefix)
    if model is None:
        raise Http404
    rows = list(model.objects.order_by("pk").values(*_columns(model))[:PAGE_SIZE])
    return JsonResponse({"next": None, "results": rows})


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
