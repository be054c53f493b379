"""Carry the samarbejdsaftale's versions, kept until now in plans.CooperationAgreement (and edited in
the admin), into governance.AgreementVersion: one version per row, with its number, title, text,
reason, status and the board's and LBF's approval dates. The plans rows stay (strategic goals point
at them) and each is linked from its version. Reversing removes only the carried-over versions."""

from django.db import migrations


def copy_versions(apps, schema_editor):
    CooperationAgreement = apps.get_model("plans", "CooperationAgreement")
    AgreementVersion = apps.get_model("governance", "AgreementVersion")
    History = apps.get_model("plans", "HistoricalCooperationAgreement")
    linked = AgreementVersion.objects.filter(cooperation_agreement__isnull=False).values("cooperation_agreement")
    rows = CooperationAgreement.objects.exclude(pk__in=linked).order_by("plan_id", "version")
    for row in rows:
        if AgreementVersion.objects.filter(plan_id=row.plan_id, sub_agreement=None, number=row.version).exists():
            continue
        is_draft = row.status == "draft"
        if is_draft and AgreementVersion.objects.filter(
            plan_id=row.plan_id, sub_agreement=None, status="draft"
        ).exists():
            continue  # one draft per agreement; a second legacy draft stays in plans only
        first_history = (
            History.objects.filter(id=row.pk).order_by("history_date").values_list("history_date", flat=True).first()
        )
        AgreementVersion.objects.create(
            plan_id=row.plan_id,
            sub_agreement=None,
            number=row.version,
            title=row.title,
            text=row.vision,
            reason=row.change_reason,
            status="draft" if is_draft else "approved",
            origin="admin",
            drafted_at=first_history,
            approved_on=row.approved_by_board_on,
            lbf_approved_on=row.approved_by_lbf_on,
            cooperation_agreement_id=row.pk,
        )


def remove_copies(apps, schema_editor):
    AgreementVersion = apps.get_model("governance", "AgreementVersion")
    AgreementVersion.objects.filter(origin="admin").delete()


class Migration(migrations.Migration):
    dependencies = [
        ("governance", "0011_agreement_versions_and_intervention_adjustments"),
        ("plans", "0004_intervention_budget_and_partners"),
    ]

    operations = [migrations.RunPython(copy_versions, remove_copies)]
