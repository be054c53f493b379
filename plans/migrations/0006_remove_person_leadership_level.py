"""Leadership level moved to the board seat (``governance.Membership.leadership_level``); governance's
migration 0013 carries the flags over before this one runs."""

from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [
        ("plans", "0005_commitment_proposals_staff_rates_and_deliveries"),
    ]

    operations = [
        migrations.RemoveField(
            model_name="person",
            name="leadership_level",
        ),
    ]
