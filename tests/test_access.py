"""The access rule as a matrix: every demo user × every demo plan × every action, and over HTTP."""

import pytest
from django.urls import reverse

from plans import access
from plans.access import Action
from plans.models import Intervention

from .conftest import DEMO_PLANS, PLAN_A1, PLAN_A2, PLAN_B

A = {PLAN_A1, PLAN_A2}
ALL = set(DEMO_PLANS)
NONE: set[str] = set()

# username -> what -> the plans it reaches: view/change/export the plan itself (access.can on the
# Plan), enter measurements somewhere in it (CHANGE on Measurement through an indicator), record
# the kommune's co-financing in it (access.may_commit with the plan's kommune as party).
EXPECTED = {
    "demo-sekretariatsleder": {"view": A, "change": A, "export": A, "measure": A, "commit": A},
    "demo-koordinator": {"view": A, "change": NONE, "export": A, "measure": NONE, "commit": A},
    "demo-bestyrelse": {"view": {PLAN_A1}, "change": NONE, "export": {PLAN_A1}, "measure": NONE, "commit": NONE},
    "demo-styregruppe": {
        "view": {PLAN_A1},
        "change": NONE,
        "export": {PLAN_A1},
        "measure": {PLAN_A1},
        "commit": NONE,
    },
    "demo-boligorg": {"view": A, "change": NONE, "export": A, "measure": A, "commit": NONE},
    "demo-admin": {"view": ALL, "change": ALL, "export": ALL, "measure": ALL, "commit": ALL},
    "demo-koordinator-2": {"view": {PLAN_B}, "change": NONE, "export": {PLAN_B}, "measure": NONE, "commit": {PLAN_B}},
    "demo-boligorg-2": {"view": {PLAN_B}, "change": NONE, "export": {PLAN_B}, "measure": {PLAN_B}, "commit": NONE},
}
PLAN_ACTIONS = (Action.VIEW, Action.CHANGE, Action.EXPORT)


def reaches(user, what: str, plan) -> bool:
    from monitoring.models import Measurement

    if what == "measure":
        return access.parents_for(user, Action.CHANGE, Measurement, "indicator").filter(goal__plan=plan).exists()
    if what == "commit":
        return access.may_commit(user, plan, plan.municipality)
    return access.can(user, Action(what), plan)


MATRIX = [
    (username, what, plan_name) for username in EXPECTED for what in EXPECTED[username] for plan_name in DEMO_PLANS
]


@pytest.mark.parametrize(("username", "what", "plan_name"), MATRIX)
def test_access_matrix(demo, username, what, plan_name):
    user, plan = demo.user(username), demo.plan(plan_name)
    assert reaches(user, what, plan) is (plan_name in EXPECTED[username][what])


@pytest.mark.parametrize("username", list(EXPECTED))
def test_plans_for_returns_exactly_the_expected_set(demo, username):
    user = demo.user(username)
    for action in PLAN_ACTIONS:
        names = set(access.plans_for(user, action).values_list("name", flat=True))
        assert names == EXPECTED[username][action.value], action


def test_every_model_of_the_portal_has_a_rule():
    """A new model without a row in plans.access.RULES cannot be read through the access module."""
    from django.apps import apps

    unruled = []
    for model in [*apps.get_app_config("governance").get_models(), *apps.get_app_config("monitoring").get_models()]:
        if model._meta.proxy or model._meta.label_lower.startswith(("governance.historical", "monitoring.historical")):
            continue
        if model._meta.label_lower not in access.RULES:
            unruled.append(model._meta.label_lower)
    assert set(unruled) <= ACCEPTED_WITHOUT_RULE, unruled


# Models read by no person-facing page or API (bookkeeping of jobs and reminders), or public catalogues.
ACCEPTED_WITHOUT_RULE = {"governance.reminderlog", "governance.minutesitem", "governance.sendoutreminder"}


@pytest.mark.parametrize(("username", "plan_name"), [(u, p) for u in EXPECTED for p in DEMO_PLANS])
def test_plan_page_answers_200_or_404(demo, login, username, plan_name):
    client = login(username)
    response = client.get(reverse("plan-detail", args=[demo.plan(plan_name).pk]))
    assert response.status_code == (200 if plan_name in EXPECTED[username]["view"] else 404)


def test_anonymous_users_see_nothing_and_are_sent_to_login(demo, client):
    from django.contrib.auth.models import AnonymousUser

    assert not access.plans_for(AnonymousUser()).exists()
    response = client.get(reverse("plan-detail", args=[demo.plan(PLAN_A1).pk]))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))


def test_inactive_user_sees_nothing(demo):
    user = demo.user("demo-sekretariatsleder")
    user.is_active = False
    user.save()
    assert not access.plans_for(user).exists()


def test_unknown_plan_id_is_404(login):
    assert login("demo-admin").get("/planer/999999/").status_code == 404


def test_steering_group_member_sees_only_their_groups_sub_agreements(demo):
    user = demo.user("demo-styregruppe")
    titles = set(access.sub_agreements_for(user).values_list("title", flat=True))
    assert titles == {"Delaftale: Uddannelse og livschancer", "Delaftale: Beskæftigelse"}
    measurable = access.parents_for(user, Action.CHANGE, Intervention, "sub_agreement")
    assert set(measurable.values_list("title", flat=True)) == titles


def test_secretariat_lead_sees_every_sub_agreement_of_their_plans(demo):
    user = demo.user("demo-sekretariatsleder")
    plans = set(access.sub_agreements_for(user).values_list("plan__name", flat=True))
    assert plans == A
    assert access.sub_agreements_for(user).count() == 8


def test_second_kommune_users_reach_no_sub_agreement_of_the_first(demo):
    for username in ("demo-koordinator-2", "demo-boligorg-2"):
        plans = set(access.sub_agreements_for(demo.user(username)).values_list("plan__name", flat=True))
        assert plans == {PLAN_B}


def test_plans_for_is_one_query(demo, django_assert_num_queries):
    user = demo.user("demo-boligorg")
    with django_assert_num_queries(1):
        list(access.plans_for(user))


@pytest.mark.parametrize(
    ("username", "secretariat", "reading_room"),
    [
        ("demo-sekretariatsleder", 200, 200),
        ("demo-bestyrelse", 403, 200),
        ("demo-styregruppe", 403, 403),
        ("demo-koordinator", 403, 403),
        ("demo-admin", 200, 200),
    ],
)
def test_role_pages_and_their_navigation_links_follow_one_rule(demo, login, username, secretariat, reading_room):
    client = login(username)
    page = client.get(reverse("plan-list")).content.decode()
    for url_name, status in (("my-secretariat", secretariat), ("reading-room", reading_room)):
        assert client.get(reverse(url_name)).status_code == status, url_name
        assert (f'href="{reverse(url_name)}"' in page) is (status == 200), url_name
