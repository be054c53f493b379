"""The access rule as a matrix: every demo user × every demo plan × every action, and over HTTP."""

import pytest
from django.urls import reverse

from plans import access
from plans.access import Action

from .conftest import DEMO_PLANS, PLAN_A1, PLAN_A2, PLAN_B

A = {PLAN_A1, PLAN_A2}
ALL = set(DEMO_PLANS)
NONE: set[str] = set()

# username -> action -> the plans it reaches
EXPECTED = {
    "demo-sekretariatsleder": {"view": A, "manage": A, "edit_content": A, "commit": A},
    "demo-koordinator": {"view": A, "manage": NONE, "edit_content": NONE, "commit": A},
    "demo-bestyrelse": {"view": {PLAN_A1}, "manage": NONE, "edit_content": NONE, "commit": NONE},
    "demo-styregruppe": {"view": {PLAN_A1}, "manage": NONE, "edit_content": {PLAN_A1}, "commit": NONE},
    "demo-boligorg": {"view": A, "manage": NONE, "edit_content": A, "commit": NONE},
    "demo-admin": {"view": ALL, "manage": ALL, "edit_content": ALL, "commit": ALL},
    "demo-koordinator-2": {"view": {PLAN_B}, "manage": NONE, "edit_content": NONE, "commit": {PLAN_B}},
    "demo-boligorg-2": {"view": {PLAN_B}, "manage": NONE, "edit_content": {PLAN_B}, "commit": NONE},
}

MATRIX = [
    (username, action, plan_name) for username in EXPECTED for action in Action for plan_name in DEMO_PLANS
]


@pytest.mark.parametrize(("username", "action", "plan_name"), MATRIX)
def test_access_matrix(demo, username, action, plan_name):
    user, plan = demo.user(username), demo.plan(plan_name)
    expected = plan_name in EXPECTED[username][action.value]
    assert access.can(user, action, plan) is expected


@pytest.mark.parametrize("username", list(EXPECTED))
def test_plans_for_returns_exactly_the_expected_set(demo, username):
    user = demo.user(username)
    for action in Action:
        names = set(access.plans_for(user, action).values_list("name", flat=True))
        assert names == EXPECTED[username][action.value], action


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
    assert set(access.sub_agreements_for(user, Action.EDIT_CONTENT).values_list("title", flat=True)) == titles


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
