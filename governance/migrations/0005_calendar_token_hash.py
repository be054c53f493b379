"""Calendar feed tokens are stored hashed: existing secrets are hashed in place, so their URLs keep working."""

import hashlib

from django.db import migrations, models


def hash_existing_tokens(apps, schema_editor):
    CalendarToken = apps.get_model("governance", "CalendarToken")
    for token in CalendarToken.objects.all().only("pk", "token"):
        token.token_hash = hashlib.sha256(token.token.encode("utf-8")).hexdigest()
        token.token_hint = token.token[:6]
        token.save(update_fields=["token_hash", "token_hint"])


class Migration(migrations.Migration):
    dependencies = [
        ("governance", "0004_agenda_item_goals"),
    ]

    operations = [
        migrations.AddField(
            model_name="calendartoken",
            name="token_hash",
            field=models.CharField(editable=False, max_length=64, null=True, verbose_name="nøglens hash"),
        ),
        migrations.AddField(
            model_name="calendartoken",
            name="token_hint",
            field=models.CharField(default="", editable=False, max_length=6, verbose_name="nøglens begyndelse"),
            preserve_default=False,
        ),
        migrations.RunPython(hash_existing_tokens, migrations.RunPython.noop, elidable=False),
        migrations.RemoveField(model_name="calendartoken", name="token"),
        migrations.AlterField(
            model_name="calendartoken",
            name="token_hash",
            field=models.CharField(editable=False, max_length=64, unique=True, verbose_name="nøglens hash"),
        ),
    ]
