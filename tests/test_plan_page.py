"""The plan page (/planer/<id>/) as an overview: both periods labelled, the sections, the meetings tab."""

from django.urls import reverse
from django.utils import timezone

from governance.meetings.models import Meeting
from plans import access

from .conftest import PLAN_A1


def _page(login, demo, username):
    plan = demo.plan(PLAN_A1)
    response = login(username).get(reverse("plan-detail", args=[plan.pk]))
    assert response.status_code == 200
    return plan, response.content.decode()


def test_plan_page_labels_the_plans_own_period_and_the_lbf_pool(login, demo):
    plan, html = _page(login, demo, "demo-sekretariatsleder")
    assert "Helhedsplanens periode" in html
    assert "LBF-pulje (bevillingsperiode)" in html
    assert plan.get_funding_period_display() in html
    assert f"{plan.get_funding_period_display()} (" not in html  # no "2019–2026 (2021–2026)"
    assert "Delaftale: Delaftale:" not in html
    assert html.count("Delaftale: Beskæftigelse</h4>") == 1


def test_plan_page_has_a_tab_for_each_section_and_every_section_without_javascript(login, demo):
    _plan, html = _page(login, demo, "demo-sekretariatsleder")
    for tab, panel in [
        ("tab-organisation", "tab-panel-organisation"),
        ("tab-agreements", "tab-panel-agreements"),
        ("tab-goals", "tab-panel-goals"),
        ("tab-meetings", "tab-panel-meetings"),
        ("tab-cofinancing", "tab-panel-cofinancing"),
    ]:
        assert f'id="{tab}" aria-controls="{panel}"' in html
        # The server sends every panel visible; the script hides all but one.
        assert f'<section class="tab-panel" id="{panel}" data-tab="{tab}"' in html
    assert '<div class="tab-list" role="tablist" hidden>' in html


def test_meetings_tab_shows_the_next_and_the_last_meetings_the_user_may_see(login, demo):
    plan, html = _page(login, demo, "demo-sekretariatsleder")
    now = timezone.now()
    meetings = Meeting.objects.filter(body__plan=plan)
    upcoming = meetings.filter(starts_at__gte=now).order_by("starts_at")[:3]
    past = meetings.filter(starts_at__lt=now).order_by("-starts_at")[:3]
    assert upcoming and past
    for meeting in [*upcoming, *past]:
        assert reverse("governance:meeting-detail", args=[meeting.pk]) in html
    older = meetings.filter(starts_at__lt=now).order_by("-starts_at")[3:]
    for meeting in older:
        assert reverse("governance:meeting-detail", args=[meeting.pk]) not in html
    # A steering-group member sees only the meetings the access rule shows them.
    _plan, group_html = _page(login, demo, "demo-styregruppe")
    visible = access.visible(demo.user("demo-styregruppe"), Meeting)
    hidden = meetings.exclude(pk__in=visible.values("pk"))
    assert hidden.exists()
    for meeting in hidden:
        assert reverse("governance:meeting-detail", args=[meeting.pk]) not in group_html


def test_only_who_may_change_the_plan_is_offered_a_pixi_report(login, demo):
    _plan, lead_html = _page(login, demo, "demo-sekretariatsleder")
    assert "Generér pixi-rapport for seneste kvartal" in lead_html
    _plan, board_html = _page(login, demo, "demo-bestyrelse")
    assert "Generér pixi-rapport for seneste kvartal" not in board_html
