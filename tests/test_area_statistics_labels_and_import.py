"""LBF area statistics people can read (issue #14, item 5): labels and units for every code, area vs
kommune vs country side by side with the period, and the import in the browser with preview and row errors."""

from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from monitoring.lbf_codes import catalogue, describe
from monitoring.models import AreaStatistic, Indicator


def test_every_code_in_use_has_a_label_a_unit_and_a_source(demo):
    codes = set(AreaStatistic.objects.values_list("indicator_code", flat=True)) | set(
        Indicator.objects.exclude(lbf_indicator_code="").values_list("lbf_indicator_code", flat=True)
    )
    assert codes
    for code in codes:
        entry = catalogue()[code]
        assert entry.label and entry.unit and entry.source, code
    assert all(entry.label and entry.source for entry in catalogue().values())
    assert describe("UKENDT").label == "UKENDT"


def test_barometer_shows_labels_units_and_the_latest_period_side_by_side(demo, login):
    html = login("demo-koordinator").get(reverse("area-barometer"), {"code": "SIGTEDE_UNGE"}).content.decode()
    assert "Andel unge 15–29 år sigtet for overtrædelse af straffeloven (%)" in html
    assert "Seneste periode (" in html and "område, kommune og hele landet" in html
    assert 'tabindex="0" role="region"' in html
    assert "Hele landet" in html


def csv_file(text: str):
    return SimpleUploadedFile("lbf.csv", text.encode(), "text/csv")


def test_lead_imports_in_the_browser_with_preview_and_row_errors(demo, login):
    client = login("demo-sekretariatsleder")
    before = AreaStatistic.objects.count()
    bad = (
        "area_code,indicator_code,period,value\n"
        "FJ-VEST,BEBOERE,2026-H2,3100\nAB-OEST,BEBOERE,2026-H2,2800\nFJ-NOR,BEBOERE,2026-X,1\n"
    )
    response = client.post(reverse("area-statistics-import"), {"file": csv_file(bad)})
    html = response.content.decode()
    assert response.status_code == 200
    assert "2 rækker har fejl" in html
    assert "Ukendt områdekode “AB-OEST”" in html  # another kommune's area is outside the lead's scope
    assert "Antal beboere i boligområdet" in html  # the label beside the code
    assert client.post(reverse("area-statistics-import-confirm")).status_code == 302
    assert AreaStatistic.objects.count() == before  # nothing saved
    good = "area_code,indicator_code,period,value\nFJ-VEST,BEBOERE,2026-H2,3100\nLAND,BEBOERE,2026-H2,1000000\n"
    response = client.post(reverse("area-statistics-import"), {"file": csv_file(good)})
    assert "Filen er uden fejl: 2 rækker." in response.content.decode()
    assert client.post(reverse("area-statistics-import-confirm")).status_code == 302
    assert AreaStatistic.objects.get(area__code="FJ-VEST", indicator_code="BEBOERE", period="2026-H2").value == Decimal(
        "3100"
    )


@pytest.mark.parametrize(
    ("username", "expected"), [("demo-koordinator", 403), ("demo-bestyrelse", 403), ("demo-admin", 200)]
)
def test_who_may_import(demo, login, username, expected):
    assert login(username).get(reverse("area-statistics-import")).status_code == expected
