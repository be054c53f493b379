"""Every approved measurement knows when it was approved (reports for a meeting count what was approved
by the meeting's data cut-off).

Backfill for approved rows without ``approved_at`` (seeded, bulk-inserted or imported before the field
was always set): the time of the earliest history record that shows the row approved; without one, the
end of the measurement's period (local time), which is what reports counted before: a measurement was
taken into account once its period had ended.
"""

from datetime import datetime, time, timedelta

from django.db import migrations, models
from django.utils import timezone


def backfill_approved_at(apps, schema_editor):
    Measurement = apps.get_model("monitoring", "Measurement")
    HistoricalMeasurement = apps.get_model("monitoring", "HistoricalMeasurement")
    missing = Measurement.objects.filter(status="approved", approved_at__isnull=True)
    first_approved = dict(
        HistoricalMeasurement.objects.filter(status="approved", id__in=missing.values("pk"))
        .values("id")
        .annotate(first=models.Min("history_date"))
        .values_list("id", "first")
    )
    batch = []
    for measurement in missing.only("pk", "period_end").iterator(chunk_size=2000):
        approved = first_approved.get(measurement.pk)
        if approved is None:
            approved = timezone.make_aware(datetime.combine(measurement.period_end, time.max) - timedelta(seconds=1))
        measurement.approved_at = approved
        batch.append(measurement)
        if len(batch) >= 2000:
            Measurement.objects.bulk_update(batch, ["approved_at"])
            batch = []
    if batch:
        Measurement.objects.bulk_update(batch, ["approved_at"])


class Migration(migrations.Migration):
    dependencies = [
        ("monitoring", "0001_initial"),
    ]

    operations = [
        migrations.RunPython(backfill_approved_at, migrations.RunPython.noop),
        migrations.AddConstraint(
            model_name="measurement",
            constraint=models.CheckConstraint(
                condition=models.Q(("status", "approved"), _negated=True) | models.Q(("approved_at__isnull", False)),
                name="measurement_approved_has_approved_at",
            ),
        ),
    ]
