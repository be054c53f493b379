"""The pixi is laid out once and fits two pages even when every text is as long as its field allows
(issue 13, item 2), and a worker loads the report stylesheet and its fonts once, not per report."""

import pytest
import weasyprint
import weasyprint.text.fonts

from bench.pixi import make_realistic_plan
from governance.meetings.models import ActionItem, AgendaItem, Decision, Meeting
from governance.reports import content
from governance.reports.models import StatusReport
from governance.reports.services import status_report_request
from monitoring.models import Goal, Indicator
from plans.models import Organisation, Secretariat, SubAgreement

from .test_reports_pdf import pdfinfo


@pytest.fixture(autouse=True)
def media_root(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    return tmp_path


def _text(length: int, seed: str = "Beskæftigelsesindsatsen for de unge i Vestområdet ") -> str:
    """Wide Danish words up to exactly ``length`` characters."""
    return (seed * (length // len(seed) + 1))[:length]


def _longest_texts(plan) -> None:
    """Every text the pixi prints at its field's maximum length; decisions (free text) at 3,000 characters."""

    def longest(model, field: str, queryset) -> None:
        length = model._meta.get_field(field).max_length
        for n, pk in enumerate(queryset.values_list("pk", flat=True), start=1):
            model.objects.filter(pk=pk).update(**{field: (f"{n}. " + _text(length))[:length]})  # unique per row

    longest(type(plan), "name", type(plan).objects.filter(pk=plan.pk))
    longest(Organisation, "name", Organisation.objects.filter(pk=plan.municipality_id))
    longest(Secretariat, "name", Secretariat.objects.filter(pk=plan.secretariat_id))
    longest(Goal, "title", Goal.objects.filter(plan=plan))
    longest(Indicator, "name", Indicator.objects.filter(goal__plan=plan))
    longest(SubAgreement, "title", SubAgreement.objects.filter(plan=plan))
    longest(Meeting, "title", Meeting.objects.filter(body__plan=plan))
    longest(AgendaItem, "title", AgendaItem.objects.filter(meeting__body__plan=plan))
    longest(ActionItem, "title", ActionItem.objects.filter(decision__agenda_item__meeting__body__plan=plan))
    Decision.objects.filter(agenda_item__meeting__body__plan=plan).update(text=_text(3000))


def _order(capture, plan) -> StatusReport:
    with capture(execute=True):
        report = status_report_request(plan=plan, period="2026-Q3", kind="pixi", via="command")
    report.refresh_from_db()
    assert report.state == "done", report.last_error
    return report


def test_the_longest_pixi_is_laid_out_once_on_at_most_two_pages(
    db, weasyprint_calls, django_capture_on_commit_callbacks
):
    # 30 strategic goals and 8 delaftaler with 5 delmål each (70 goals, 210 indicators), every text at its maximum.
    plan = make_realistic_plan(strategic_goals=30, indicators_per_goal=3, sub_agreements=8)
    _longest_texts(plan)
    calls = weasyprint_calls
    report = _order(django_capture_on_commit_callbacks, plan)
    assert calls == {"render": 1, "write_pdf": 1}
    assert report.page_count <= content.PIXI_MAX_PAGES
    assert int(pdfinfo(report.pdf.path)["Pages"]) == report.page_count
    # Every section is over its budget here: the layout, not luck, keeps it to two pages.
    layout = content.pixi_layout(report.snapshot)
    assert layout["goals"]["more"] and layout["sub_agreements"]["more"] and layout["questions"]["more"]


def test_a_worker_loads_the_stylesheet_and_fonts_once_for_many_reports(
    db, monkeypatch, django_capture_on_commit_callbacks
):
    loaded = {"css": 0, "fonts": 0}
    real_css, real_fonts = weasyprint.CSS, weasyprint.text.fonts.FontConfiguration

    def css(*args, **kwargs):
        loaded["css"] += 1
        return real_css(*args, **kwargs)

    def fonts(*args, **kwargs):
        loaded["fonts"] += 1
        return real_fonts(*args, **kwargs)

    monkeypatch.setattr(weasyprint, "CSS", css)
    monkeypatch.setattr(weasyprint.text.fonts, "FontConfiguration", fonts)
    content._weasyprint_resources.cache_clear()  # a fresh worker process
    try:
        for _ in range(3):
            _order(django_capture_on_commit_callbacks, make_realistic_plan(strategic_goals=4, sub_agreements=1))
    finally:
        content._weasyprint_resources.cache_clear()  # the next test's renders use the real classes again
    assert loaded == {"css": 1, "fonts": 1}
