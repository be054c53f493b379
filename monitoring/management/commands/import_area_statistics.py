"""`python manage.py import_area_statistics FILE`: load LBF's boligsociale data (CSV or XLSX)."""

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError

from monitoring.area_statistics import (
    area_statistics_import,
    read_area_statistics_file,
    validate_area_statistic_rows,
)


class Command(BaseCommand):
    help = (
        "Indlæser LBF's boligsociale data (kolonner: area_code, indicator_code, period, value). "
        "Områdekoden er et boligområdes kode, KOMMUNE:<kommunekode> eller LAND. "
        "Intet gemmes, hvis en række fejler."
    )

    def add_arguments(self, parser):
        parser.add_argument("file", help="CSV- (UTF-8) eller XLSX-fil")

    def handle(self, *args, file: str, **options):
        try:
            rows = read_area_statistics_file(file)
        except OSError as exc:
            raise CommandError(f"Kan ikke læse {file}: {exc}") from exc
        except ValidationError as exc:
            raise CommandError(" ".join(exc.messages)) from exc
        preview = validate_area_statistic_rows(rows)
        if not preview.is_valid:
            for row in preview.rows:
                for column, message in row.errors:
                    self.stderr.write(f"Række {row.number}, kolonne {column}: {message}")
            raise CommandError(f"{preview.error_count} række(r) med fejl; intet er gemt.")
        result = area_statistics_import(rows=rows)
        self.stdout.write(
            self.style.SUCCESS(
                f"Områdestatistik indlæst: {result.created} nye, {result.updated} ændrede, "
                f"{result.unchanged} uændrede; {result.measurements_changed} LBF-målinger opdateret."
            )
        )
