"""Leadership level is a property of the seat, not of the person (issue #14, item 3): a director may sit
on one board as the kommune's leader and on a steering group as a member. Add
``Membership.leadership_level`` and carry ``plans.Person.leadership_level`` onto that person's board
memberships (bestyrelse and politisk følgegruppe); plans' migration 0006 then removes the person's
flag. Reversing marks a person at leadership level when one of their board seats is."""

from django.db import migrations, models

BOARD_KINDS = ("board", "political_followup")


def copy_from_person(apps, schema_editor):
    Membership = apps.get_model("governance", "Membership")
    Membership.objects.filter(body__kind__in=BOARD_KINDS, person__leadership_level=True).update(
        leadership_level=True
    )


def copy_to_person(apps, schema_editor):
    Membership = apps.get_model("governance", "Membership")
    Person = apps.get_model("plans", "Person")
    leaders = Membership.objects.filter(body__kind__in=BOARD_KINDS, leadership_level=True).values("person")
    Person.objects.filter(pk__in=leaders).update(leadership_level=True)


LEADERSHIP_LEVEL = dict(
    default=False,
    help_text=(
        "Personen sidder som direktør, chef eller anden administrativ leder på højt niveau i den organisation, "
        "sædet repræsenterer. LBF kræver, at bestyrelsen har sådanne medlemmer fra kommunen og fra hver "
        "boligorganisation."
    ),
    verbose_name="på ledelsesniveau",
)


class Migration(migrations.Migration):
    dependencies = [
        ("governance", "0012_copy_cooperation_agreement_versions"),
        ("plans", "0005_commitment_proposals_staff_rates_and_deliveries"),
    ]
    # The person's flag is read here before plans drops it.
    run_before = [("plans", "0006_remove_person_leadership_level")]

    operations = [
        migrations.AddField(
            model_name="historicalmembership",
            name="leadership_level",
            field=models.BooleanField(**LEADERSHIP_LEVEL),
        ),
        migrations.AddField(
            model_name="membership",
            name="leadership_level",
            field=models.BooleanField(**LEADERSHIP_LEVEL),
        ),
        migrations.RunPython(copy_from_person, copy_to_person),
    ]
