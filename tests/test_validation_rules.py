"""Validation a secretariat expects (issue #15, item 6): no measurements for future periods (form, API,
import and services alike, from the model's clean), a warning with a reason for action items already
past due, and a warning for a meeting on a Danish public holiday."""

from datetime import date, timedelta

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone, translation

from common.periods import Quarter
from common.workdays import holiday_name
from governance.bodies.models import Body
from governance.meetings.models import ActionItem, Decision, Meeting
from governance.meetings.services import action_item_create
from monitoring.imports import read_table, validate_measurement_rows
from monitoring.models import Indicator, Measurement
from monitoring.services import measurement_create
from plans.models import Person

from .conftest import PLAN_A1
from .governance_helpers import demo_meeting

pytestmark = pytest.mark.django_db

GROUP_INDICATOR = "Unge 13–17 år med fritidsjob"  # a quarterly delmål indicator of the steering group


def _next_quarter() -> str:
    today = timezone.localdate()
    quarter = Quarter.containing(today)
    return (Quarter(quarter.year + 1, 1) if quarter.number == 4 else Quarter(quarter.year, quarter.number + 1)).code


def _indicator(demo) -> Indicator:
    return Indicator.objects.get(goal__plan=demo.plan(PLAN_A1), name=GROUP_INDICATOR)


# --- measurements for future periods ------------------------------------------------------------------------


def test_the_model_refuses_a_period_that_has_not_begun_and_accepts_the_current_one(demo):
    indicator = _indicator(demo)
    future = Measurement(indicator=indicator, period=_next_quarter(), value=1)
    with pytest.raises(ValidationError) as error:
        future.full_clean(validate_constraints=False)
    assert "ikke begyndt" in error.value.message_dict["period"][0]
    current = Measurement(indicator=indicator, period=Quarter.containing(timezone.localdate()).code, value=1)
    current.full_clean(validate_constraints=False, validate_unique=False)


def test_the_form_refuses_a_future_period(demo, login):
    plan = demo.plan(PLAN_A1)
    indicator = _indicator(demo)
    before = indicator.measurements.count()
    response = login("demo-styregruppe").post(
        reverse("monitoring:measurement-create", args=[plan.pk, indicator.pk]),
        {"period": _next_quarter(), "value": "12", "breakdown_value": "", "source_note": ""},
    )
    assert response.status_code in {200, 400} and "ikke begyndt" in response.content.decode()
    assert indicator.measurements.count() == before


def test_the_api_refuses_a_future_period(demo, api):
    indicator = _indicator(demo)
    before = indicator.measurements.count()
    response = api("demo-sekretariatsleder").post(
        "/api/v1/measurements/", {"indicator": indicator.pk, "period": _next_quarter(), "value": "3"}, format="json"
    )
    assert response.status_code == 400 and list(response.json()["errors"]) == ["period"]
    assert indicator.measurements.count() == before


def test_the_import_refuses_a_future_period_by_row_and_column(demo):
    indicator = _indicator(demo)
    lead = demo.user("demo-sekretariatsleder")
    text = "indikator_id;indikator;periode;opdeling;værdi;kilde\n" + f"{indicator.pk};x;{_next_quarter()};;12;\n"
    rows = read_table(SimpleUploadedFile("m.csv", text.encode("utf-8")))
    preview = validate_measurement_rows(user=lead, plan=demo.plan(PLAN_A1), rows=rows)
    assert not preview.is_valid
    assert rows[0].errors and rows[0].errors[0][0] == "periode" and "ikke begyndt" in rows[0].errors[0][1]


def test_the_service_refuses_a_future_period(demo):
    with pytest.raises(ValidationError, match="ikke begyndt"):
        measurement_create(
            indicator=_indicator(demo), period=_next_quarter(), value=1, entered_by=demo.user("demo-sekretariatsleder")
        )


# --- action items due before today ----------------------------------------------------------------------------


def _draft_decision(demo) -> Decision:
    meeting = demo_meeting(PLAN_A1)
    item = meeting.agenda_items.filter(kind="decision").first()
    return Decision.objects.create(agenda_item=item, text="Godkendt.")


def test_a_past_due_date_needs_a_reason_and_keeps_it(demo):
    decision = _draft_decision(demo)
    owner = Person.objects.get(user__username="demo-sekretariatsleder")
    yesterday = timezone.localdate() - timedelta(days=1)
    with pytest.raises(ValidationError) as error:
        action_item_create(decision=decision, title="Følg op", owner=owner, due_date=yesterday)
    assert "ligger før i dag" in error.value.message_dict["due_date_reason"][0]
    assert not ActionItem.objects.filter(decision=decision).exists()
    action = action_item_create(
        decision=decision, title="Følg op", owner=owner, due_date=yesterday, due_date_reason="Aftalt på mødet"
    )
    assert action.due_date_reason == "Aftalt på mødet" and action.is_overdue()
    today = action_item_create(decision=decision, title="I dag", owner=owner, due_date=timezone.localdate())
    assert today.due_date_reason == ""


def test_the_minutes_page_warns_and_accepts_with_a_reason(demo, login):
    decision = _draft_decision(demo)
    owner = Person.objects.get(user__username="demo-sekretariatsleder")
    client = login("demo-sekretariatsleder")
    url = reverse("governance:action-create", args=[decision.pk])
    data = {"action-title": "Send notat", "action-owner": owner.pk, "action-due_date": "2020-01-10"}
    response = client.post(url, data, follow=True)
    assert "ligger før i dag" in response.content.decode()
    assert not decision.actions.exists()
    client.post(url, {**data, "action-due_date_reason": "Referatet skrives efter fristen"})
    assert decision.actions.get().due_date_reason == "Referatet skrives efter fristen"


# --- meetings on a Danish public holiday ------------------------------------------------------------------------


def test_holiday_names_in_danish_and_english():
    with translation.override("da"):
        assert holiday_name(date(2027, 5, 6)) == "Kristi himmelfartsdag"
        assert holiday_name(date(2027, 12, 24)) == "Juleaftensdag"
        assert holiday_name(date(2027, 5, 7)) is None
    with translation.override("en"):
        assert holiday_name(date(2027, 5, 6)) == "Ascension Day"


def test_a_meeting_on_a_holiday_is_saved_only_once_confirmed(demo, login):
    plan = demo.plan(PLAN_A1)
    board = Body.objects.get(plan=plan, kind=Body.Kind.BOARD)
    client = login("demo-sekretariatsleder")
    url = reverse("governance:meeting-create", args=[plan.pk])
    data = {
        "body": board.pk,
        "kind": "regular",
        "title": "Møde på Kristi himmelfartsdag",
        "starts_at": "2027-05-06T15:00",
        "ends_at": "2027-05-06T17:00",
        "location": "Beboerhuset",
    }
    page = client.get(url).content.decode()
    assert "confirm_holiday" not in page
    response = client.post(url, data)
    text = response.content.decode()
    assert response.status_code == 200 and "Kristi himmelfartsdag" in text and 'name="confirm_holiday"' in text
    assert not Meeting.objects.filter(title=data["title"]).exists()
    response = client.post(url, {**data, "confirm_holiday": "on"})
    assert response.status_code == 302 and Meeting.objects.filter(title=data["title"]).exists()
    response = client.post(
        url, {**data, "title": "Almindelig dag", "starts_at": "2027-05-07T15:00", "ends_at": "2027-05-07T17:00"}
    )
    assert response.status_code == 302
