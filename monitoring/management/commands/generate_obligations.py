"""`python manage.py generate_obligations [--plan ID]`: make the plans' yearly LBF obligations (årshjul)."""

from django.core.management.base import BaseCommand, CommandError

from monitoring.obligations import obligations_generate
from plans.models import Plan


class Command(BaseCommand):
    help = (
        "Danner planernes årlige forpligtelser over for LBF ud fra planperioden og fristerne. Kan køres flere "
        "gange: eksisterende forpligtelser bevarer deres status; frister for ikke-indsendte flyttes."
    )

    def add_arguments(self, parser):
        parser.add_argument("--plan", type=int, help="Kun denne plan (id).")

    def handle(self, *args, plan: int | None = None, **options):
        plans = Plan.objects.all() if plan is None else Plan.objects.filter(pk=plan)
        if plan is not None and not plans.exists():
            raise CommandError(f"Planen {plan} findes ikke.")
        for each in plans.order_by("name"):
            created, moved = obligations_generate(plan=each)
            self.stdout.write(f"{each.name}: {created} nye, {moved} flyttede frister.")
