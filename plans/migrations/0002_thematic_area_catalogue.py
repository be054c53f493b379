"""LBF's catalogue of indsatsområder for the 2015–2018 and 2019–2026 funding periods."""

from django.db import migrations

CATALOGUE = {
    "2019-2026": [
        "Uddannelse og livschancer",
        "Beskæftigelse",
        "Kriminalitetsforebyggelse",
        "Sammenhængskraft og medborgerskab",
    ],
    "2015-2018": [
        "Tryghed og trivsel",
        "Kriminalpræventiv indsats",
        "Uddannelse og beskæftigelse",
        "Forebyggelse og forældreansvar",
    ],
}


def add_catalogue(apps, schema_editor):
    ThematicArea = apps.get_model("plans", "ThematicArea")
    for period, names in CATALOGUE.items():
        for position, name in enumerate(names, start=1):
            ThematicArea.objects.update_or_create(
                funding_period=period, name=name, defaults={"position": position}
            )


def remove_catalogue(apps, schema_editor):
    ThematicArea = apps.get_model("plans", "ThematicArea")
    for period, names in CATALOGUE.items():
        ThematicArea.objects.filter(funding_period=period, name__in=names, sub_agreements__isnull=True).delete()


class Migration(migrations.Migration):
    dependencies = [("plans", "0001_initial")]
    operations = [migrations.RunPython(add_catalogue, remove_catalogue)]
