"""Admin for målstyring: every model has list, change and history pages; changes ask for a reason."""

import pytest
from django.forms import modelform_factory
from django.urls import reverse

from monitoring.admin import ReasonForm
from monitoring.models import AreaStatistic, Goal, Indicator, Measurement, Milestone, Target


@pytest.mark.parametrize("model", [Goal, Indicator, Target, Measurement, Milestone, AreaStatistic])
def test_admin_pages_with_history(demo, login, model):
    client = login("demo-admin")
    obj = model.objects.first()
    opts = model._meta
    for view, args in (("changelist", []), ("change", [obj.pk]), ("history", [obj.pk])):
        url = reverse(f"admin:{opts.app_label}_{opts.model_name}_{view}", args=args)
        assert client.get(url).status_code == 200, (model, view)


def test_admin_change_without_reason_is_refused(demo):
    goal = Goal.objects.filter(level="strategic").first()
    form_class = modelform_factory(Goal, form=ReasonForm, fields=["title", "description"])
    form = form_class(data={"title": "Nyt navn", "description": "", "change_reason": ""}, instance=goal)
    assert not form.is_valid() and "change_reason" in form.errors
    form = form_class(data={"title": "Nyt navn", "description": "", "change_reason": "Skærpet"}, instance=goal)
    assert form.is_valid()


def test_admin_stores_the_reason_in_history(demo, login):
    target = Target.objects.first()
    url = reverse("admin:monitoring_target_change", args=[target.pk])
    data = {
        "indicator": target.indicator_id,
        "value": "99",
        "due_date": target.due_date.isoformat(),
        "note": "",
        "change_reason": "",
    }
    client = login("demo-admin")
    assert client.post(url, data).status_code == 200  # redisplayed with the error
    target.refresh_from_db()
    assert target.value != 99
    assert client.post(url, {**data, "change_reason": "Justeret efter midtvejsevaluering"}).status_code == 302
    latest = target.history.first()
    assert (latest.value, latest.history_change_reason) == (99, "Justeret efter midtvejsevaluering")
