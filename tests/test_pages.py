"""The foundation's pages over HTTP: login, 'Mine helhedsplaner', the plan page, health."""

import re

import pytest
from django.contrib.auth import get_user_model
from django.urls import reverse

from governance.bodies.models import Body
from governance.bodies.services import body_set_sub_agreements
from plans.models import Role
from plans.services import role_assign

from .conftest import PLAN_A1, PLAN_A2, PLAN_B
from .factories import CommitmentFactory, InterventionFactory, PlanFactory, SubAgreementFactory
from .test_access import EXPECTED


def plan_names_in(html: str) -> set[str]:
    return set(re.findall(r'<a href="/planer/\d+/">([^<]+)</a>', html))


def test_login_page_is_danish_and_accessible(client, db):
    response = client.get(reverse("login"))
    html = response.content.decode()
    assert response.status_code == 200
    assert '<html lang="da">' in html
    assert '<label class="form-label" for="id_username">Brugernavn<span class="weight-normal"> (skal udfyldes)' in html
    assert "csrfmiddlewaretoken" in html


def test_login_with_demo_password_lands_on_my_plans(client, demo):
    response = client.post(reverse("login"), {"username": "demo-boligorg", "password": "demo1234"}, follow=True)
    assert response.redirect_chain[-1][0] == reverse("plan-list")
    assert plan_names_in(response.content.decode()) == {PLAN_A1, PLAN_A2}


def test_wrong_password_is_refused_with_a_message(client, demo):
    response = client.post(reverse("login"), {"username": "demo-koordinator", "password": "forkert"})
    assert response.status_code == 200
    assert "Brugernavn eller adgangskode er forkert" in response.content.decode()
    assert "_auth_user_id" not in client.session


def test_logout_needs_post_and_ends_the_session(login):
    client = login("demo-koordinator")
    response = client.post(reverse("logout"))
    assert response.status_code == 302
    assert client.get(reverse("plan-list")).status_code == 302


@pytest.mark.parametrize("username", list(EXPECTED))
def test_plan_list_shows_exactly_the_visible_plans(login, username):
    html = login(username).get(reverse("plan-list")).content.decode()
    assert plan_names_in(html) == EXPECTED[username]["view"]


def test_plan_list_requires_login(client, db):
    response = client.get(reverse("plan-list"))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))


def test_plan_list_without_plans_says_so(client, db):
    client.force_login(get_user_model().objects.create_user("ny-bruger"))
    assert "Du har ikke adgang til nogen helhedsplaner" in client.get(reverse("plan-list")).content.decode()


def _grow_secretariat(plan, count):
    for _ in range(count):
        PlanFactory(secretariat=plan.secretariat)


def test_plan_list_query_count_is_constant(login, demo, django_assert_max_num_queries):
    client = login("demo-sekretariatsleder")
    with django_assert_max_num_queries(8) as small:
        client.get(reverse("plan-list"))
    _grow_secretariat(demo.plan(PLAN_A1), 25)
    with django_assert_max_num_queries(len(small.captured_queries)):
        response = client.get(reverse("plan-list"))
    assert len(plan_names_in(response.content.decode())) == 27


def test_plan_page_shows_chart_members_agreement_and_commitments(login, demo):
    html = login("demo-sekretariatsleder").get(reverse("plan-detail", args=[demo.plan(PLAN_A1).pk])).content.decode()
    for text in (
        "Bestyrelsen for Helhedsplan Vestparken og Nørre Enge",
        "Områdesekretariatet Fjordby",
        "Styregruppen for uddannelse og beskæftigelse",
        "Delaftale: Beskæftigelse",
        "Jobcafé i boligområdet",
        "Formand",
        "Strategisk samarbejdsaftale",
        "Godkendt af LBF",
        "Lokal andel (krav: mindst 25 %)",
        "opfylder LBF's krav",
    ):
        assert text in html, text


def test_plan_page_flags_local_share_below_25_percent(login, demo):
    html = login("demo-koordinator-2").get(reverse("plan-detail", args=[demo.plan(PLAN_B).pk])).content.decode()
    assert "under LBF's krav om mindst 25 %" in html
    assert "23 %" in html


def test_steering_group_member_sees_only_their_delaftaler_on_the_plan_page(login, demo):
    html = login("demo-styregruppe").get(reverse("plan-detail", args=[demo.plan(PLAN_A1).pk])).content.decode()
    assert "Delaftale: Beskæftigelse" in html
    assert "Delaftale: Kriminalitetsforebyggelse" not in html
    assert "Gadeplansteam aften og weekend" not in html


def test_second_kommune_users_see_nothing_of_the_first_kommune(login, demo):
    for username in ("demo-koordinator-2", "demo-boligorg-2"):
        client = login(username)
        html = client.get(reverse("plan-list")).content.decode()
        assert "Fjordby" not in html
        for plan_name in (PLAN_A1, PLAN_A2):
            assert client.get(reverse("plan-detail", args=[demo.plan(plan_name).pk])).status_code == 404


def test_plan_page_query_count_does_not_grow_with_content(login, demo, django_assert_max_num_queries):
    plan = demo.plan(PLAN_A2)
    client = login("demo-sekretariatsleder")
    url = reverse("plan-detail", args=[plan.pk])
    with django_assert_max_num_queries(40) as small:
        client.get(url)
    group = Body.objects.filter(plan=plan, kind=Body.Kind.STEERING_GROUP).first()
    extra = []
    for _ in range(6):
        sub_agreement = SubAgreementFactory(plan=plan)
        extra.append(sub_agreement)
        for _ in range(5):
            InterventionFactory(sub_agreement=sub_agreement)
        CommitmentFactory(plan=plan, year=2025, sub_agreement=sub_agreement)
    body_set_sub_agreements(body=group, sub_agreements=list(group.sub_agreements.all()) + extra)
    with django_assert_max_num_queries(len(small.captured_queries)):
        response = client.get(url)
    assert extra[-1].title in response.content.decode()


def test_healthz_reports_database_and_broker(client, db):
    response = client.get("/healthz")
    assert response.status_code == 200
    body = response.json()
    assert body["database"] == "ok"
    assert body["status"] == "ok"
    assert body["broker"] in {"ok", "eager"}


def test_admin_lists_every_model_for_demo_admin(login):
    client = login("demo-admin")
    html = client.get(reverse("admin:index")).content.decode()
    for model in (
        "plan",
        "organisation",
        "commitment",
        "subagreement",
        "intervention",
        "board",
        "steeringgroup",
        "membership",
        "roleassignment",
        "cooperationagreement",
    ):
        app = "governance" if model in {"board", "steeringgroup", "membership"} else "plans"
        url = f"/admin/{app}/{model}/"
        assert url in html
        assert client.get(url).status_code == 200, url


def test_admin_is_closed_to_non_staff(login):
    assert login("demo-sekretariatsleder").get(reverse("admin:index")).status_code == 302


def test_role_assignment_gives_access_through_the_page(client, demo):
    user = get_user_model().objects.create_user("ny-leder")
    role_assign(user=user, role=Role.SECRETARIAT_LEAD, secretariat=demo.plan(PLAN_B).secretariat)
    client.force_login(user)
    assert plan_names_in(client.get(reverse("plan-list")).content.decode()) == {PLAN_B}


def test_english_is_available_through_the_language_switch(login):
    client = login("demo-koordinator")
    response = client.post(reverse("set_language"), {"language": "en", "next": reverse("plan-list")}, follow=True)
    html = response.content.decode()
    assert '<html lang="en">' in html
    assert "My master plans" in html
    client.post(reverse("set_language"), {"language": "da", "next": reverse("plan-list")})
    assert "Mine helhedsplaner" in client.get(reverse("plan-list")).content.decode()
