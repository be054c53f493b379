"""`manage.py seed_demo`: idempotent, guarded by DEBUG, and the demo world it promises."""

import io

import pytest
from django.apps import apps
from django.core.management import CommandError, call_command
from django.utils import timezone

from governance.bodies.models import Board, Membership, SteeringGroup
from governance.demo import WITHOUT_KOMMUNE_LEADER
from plans.demo import DEMO_USERS
from plans.models import Commitment, Plan, Secretariat


def table_counts() -> dict[str, int]:
    return {
        model._meta.label: model.objects.count()
        for model in apps.get_models()
        if model._meta.app_label in {"plans", "governance", "monitoring", "auth"}
    }


def test_seed_demo_is_idempotent(db, settings):
    settings.DEBUG = True
    before = table_counts()
    out = io.StringIO()
    call_command("seed_demo", stdout=out)
    assert table_counts() == before  # the session fixture already seeded once
    assert "demo-sekretariatsleder" in out.getvalue()


def test_seed_demo_refuses_without_debug_unless_forced(db, settings):
    settings.DEBUG = False
    with pytest.raises(CommandError, match="DEBUG"):
        call_command("seed_demo", stdout=io.StringIO())
    call_command("seed_demo", "--force", stdout=io.StringIO())


def test_demo_world_has_the_promised_shape(demo):
    assert set(DEMO_USERS) == {
        "demo-sekretariatsleder",
        "demo-koordinator",
        "demo-bestyrelse",
        "demo-styregruppe",
        "demo-boligorg",
        "demo-admin",
        "demo-koordinator-2",
        "demo-boligorg-2",
    }
    shared = Secretariat.objects.get(name="Områdesekretariatet Fjordby")
    assert shared.plans.count() == 2
    assert Plan.objects.values("municipality").distinct().count() == 2
    for plan in Plan.objects.all():
        board = Board.objects.get(plan=plan)
        members = Membership.objects.current().filter(body=board).count()
        assert 9 <= members <= 12, (plan, members)
        assert 2 <= SteeringGroup.objects.filter(plan=plan).count() <= 3
        assert plan.sub_agreements.count() == 4
        years = set(Commitment.objects.filter(plan=plan).values_list("year", flat=True))
        assert years == set(plan.years)
        for group in SteeringGroup.objects.filter(plan=plan):
            assert group.sub_agreements.exists()


def test_demo_passwords_come_from_the_environment(db, settings):
    settings.DEMO_PASSWORD = "andet-kodeord"
    call_command("seed_demo", "--force", stdout=io.StringIO())
    from django.contrib.auth import authenticate
    from django.http import HttpRequest

    # django-axes (the first authentication backend) needs the request.
    assert authenticate(HttpRequest(), username="demo-bestyrelse", password="andet-kodeord") is not None


def test_seed_demo_with_reports_makes_the_last_quarters_reports_once(
    db, settings, tmp_path, django_capture_on_commit_callbacks
):
    from governance.reports.models import StatusReport

    settings.MEDIA_ROOT = tmp_path
    with django_capture_on_commit_callbacks(execute=True):
        call_command("seed_demo", "--force", "--with-reports", stdout=io.StringIO())
    from governance.bodies.models import Body

    groups = Body.objects.filter(kind__in=Body.GROUP_KINDS).count()
    done = StatusReport.objects.filter(state="done")
    board = done.filter(audience="board")
    assert board.count() == 2 * Plan.objects.count()
    assert set(board.values_list("kind", flat=True)) == {"pixi", "full"}
    # One pixi per steering group, so a styregruppe's archive is not empty.
    assert set(done.filter(audience="steering_group").values_list("kind", flat=True)) == {"pixi"}
    assert done.filter(audience="steering_group").values("audience_body").distinct().count() == groups > 0
    assert done.count() == 2 * Plan.objects.count() + groups
    with django_capture_on_commit_callbacks(execute=True):
        call_command("seed_demo", "--force", "--with-reports", stdout=io.StringIO())
    assert StatusReport.objects.count() == 2 * Plan.objects.count() + groups


def test_the_demo_world_reads_like_real_plans(demo):
    """What a kommune notices first in a demo: periods that agree, meetings on working days, people with
    their own names and fitting titles, each plan's own indsatser with results, a delmål per delaftale."""
    from collections import Counter

    from common.workdays import is_working_day
    from governance.meetings.models import Meeting
    from monitoring.models import Goal
    from plans.models import Intervention, Person

    for plan in Plan.objects.all():
        # The plan's own period lies inside its LBF pool (bevillingsperiode "2019-2026").
        first, last = (int(year) for year in plan.funding_period.split("-"))
        assert first <= plan.start_date.year and plan.end_date.year <= last, plan
        assert plan.start_date < plan.end_date
    for meeting in Meeting.objects.select_related("body__plan"):
        day = timezone.localtime(meeting.starts_at).date()
        plan = meeting.body.plan
        assert is_working_day(day) and (day.month, day.day) != (1, 1), (meeting.title, day)
        assert plan.start_date <= day <= plan.end_date, (meeting.title, day, plan)
    names = Counter(Person.objects.values_list("name", flat=True))
    assert [name for name, count in names.items() if count > 1] == []
    # Each plan's indsatser are its own: no name twice, in the plan or across plans; each has results.
    interventions = Counter(Intervention.objects.values_list("name", flat=True))
    assert [name for name, count in interventions.items() if count > 1] == []
    without_results = Intervention.objects.filter(indicators__isnull=True).values_list("name", flat=True)
    assert list(without_results) == []
    for plan in Plan.objects.all():
        for sub_agreement in plan.sub_agreements.all():
            assert Goal.objects.filter(sub_agreement=sub_agreement, level=Goal.Level.SUB).exists(), sub_agreement
    # Titles fit the seat: the kommune's seats are the plan's own kommune's, a chair is a leader, and no
    # organisation sends two people with the same title to one body.
    for membership in Membership.objects.current().select_related("body__plan", "person", "organisation"):
        plan = membership.body.plan
        organisation = membership.organisation
        if organisation.kind in ("municipality", "department"):
            assert plan.municipality_id in (organisation.pk, organisation.parent_id), membership
        # (One board is shown without a leader from the kommune: the composition warning's demo.)
        if (
            membership.role == Membership.Role.CHAIR
            and membership.body.kind == "board"
            and plan.name != WITHOUT_KOMMUNE_LEADER
        ):
            assert membership.leadership_level, membership
    seats = Counter(Membership.objects.current().values_list("body", "organisation", "person__title").order_by())
    assert [seat for seat, count in seats.items() if count > 1] == []
