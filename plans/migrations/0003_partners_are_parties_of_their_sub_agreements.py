"""Organisation picks are limited to a plan's parties (``Plan.parties``). A samarbejdspartner already
responsible for an indsats becomes a party of that indsats' delaftale, so existing plans stay valid."""

from django.db import migrations


def record_partners_as_parties(apps, schema_editor):
    Intervention = apps.get_model("plans", "Intervention")
    through = apps.get_model("plans", "SubAgreement").parties.through
    pairs = set(
        Intervention.objects.filter(responsible_partner__kind="partner").values_list(
            "sub_agreement_id", "responsible_partner_id"
        )
    )
    existing = set(through.objects.values_list("subagreement_id", "organisation_id"))
    through.objects.bulk_create(
        [through(subagreement_id=sub, organisation_id=org) for sub, org in sorted(pairs - existing)]
    )


class Migration(migrations.Migration):
    dependencies = [
        ("plans", "0002_thematic_area_catalogue"),
    ]

    operations = [migrations.RunPython(record_partners_as_parties, migrations.RunPython.noop)]
