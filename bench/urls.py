"""The portal's URLs plus two bare Django JSON views, served by the same gunicorn, to compare against."""

import json

from django.db import transaction
from django.http import JsonResponse
from django.urls import path
from django.views.decorators.csrf import csrf_exempt

from common.periods import parse_period
from monitoring.models import Measurement
from plans.models import Intervention
from portal.urls import urlpatterns as portal_urlpatterns

FIELDS = (
    "id",
    "sub_agreement_id",
    "name",
    "description",
    "responsible_partner_id",
    "status",
    "start_date",
    "end_date",
)


def bare_list(request):
    """The same page of interventions as GET /api/v1/interventions/, with no auth, scope or serializer."""
    rows = list(Intervention.objects.order_by("sub_agreement_id", "name", "pk").values(*FIELDS)[:50])
    return JsonResponse({"count": len(rows), "results": rows})


@csrf_exempt
def bare_create(request):
    """A list of interventions saved with one bulk_create: no auth, validation, history or idempotency."""
    items = json.loads(request.body)
    with transaction.atomic():
        created = Intervention.objects.bulk_create(
            Intervention(
                sub_agreement_id=item["sub_agreement"],
                name=item["name"],
                responsible_partner_id=item["responsible_partner"],
                status=item.get("status", "planned"),
            )
            for item in items
        )
    return JsonResponse([{"id": obj.pk, "name": obj.name} for obj in created], safe=False, status=201)


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
        created = Measurement.objects.bulk_create(rows)
    return JsonResponse([{"id": obj.pk, "period": obj.period} for obj in created], safe=False, status=201)


urlpatterns = [
    *portal_urlpatterns,
    path("bench/bare/interventions/", bare_list),
    path("bench/bare/interventions/create/", bare_create),
    path("bench/bare/measurements/create/", bare_create_measurements),
]
