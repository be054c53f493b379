"""The board composition rule (issue #14, item 3): leaders from the kommune and each boligorganisation,
a chair, terms that run out; and the warning on the plan page."""

from datetime import date

from django.urls import reverse

from plans.composition import Party, Seat, board_composition_warnings

from .conftest import PLAN_A1, PLAN_A2

KOMMUNE = Party(1, "Fjordby Kommune")
FORVALTNING_PARENT = 1
HOME, SUN = Party(10, "Boligselskabet Fjordhjem"), Party(11, "Andelsboligforeningen Solgården")
TODAY = date(2026, 5, 1)


def seat(role="member", org=1, parent=None, leader=True, start=date(2025, 1, 1), end=None, person="A"):
    return Seat(person, role, org, parent, leader, start, end)


def codes(seats, housing_orgs=(HOME,)):
    return [
        w.code for w in board_composition_warnings(kommune=KOMMUNE, housing_orgs=housing_orgs, seats=seats, on=TODAY)
    ]


def test_a_board_that_meets_the_rule_has_no_warnings():
    seats = [seat("chair", org=5, parent=FORVALTNING_PARENT), seat(org=10)]  # a forvaltning speaks for its kommune
    assert codes(seats) == []


def test_missing_leaders_are_named_per_party():
    seats = [seat("chair", org=1, leader=False), seat(org=10), seat(org=11, leader=False)]
    warnings = board_composition_warnings(kommune=KOMMUNE, housing_orgs=[HOME, SUN], seats=seats, on=TODAY)
    assert [(w.code, w.party_id) for w in warnings] == [("kommune_leader", 1), ("housing_org_leader", 11)]
    assert "Andelsboligforeningen Solgården" in warnings[1].message
    assert warnings[1].what_to_do


def test_observers_secretaries_and_ended_terms_do_not_count():
    seats = [
        seat("chair", org=10),
        seat("observer", org=1),
        seat("secretary", org=1),
        seat(org=1, end=date(2026, 1, 1)),  # ended
        seat(org=1, start=date(2026, 9, 1)),  # not started
    ]
    assert codes(seats) == ["kommune_leader"]


def test_no_chair_and_terms_running_out():
    seats = [seat(org=1), seat(org=10, end=date(2026, 6, 1), person="Bo")]
    warnings = board_composition_warnings(kommune=KOMMUNE, housing_orgs=[HOME], seats=seats, on=TODAY)
    assert [w.code for w in warnings] == ["no_chair", "term_ending"]
    assert "Bo" in warnings[1].message
    successor = seat(org=10, start=date(2026, 6, 2), person="Cai")
    assert "term_ending" not in codes([*seats, successor])


def test_no_board():
    assert codes(None) == ["no_board"]


def test_plan_page_warns_about_the_board_without_a_kommune_leader(demo, login):
    client = login("demo-sekretariatsleder")
    html = client.get(reverse("plan-detail", args=[demo.plan(PLAN_A2).pk])).content.decode()
    assert "Bestyrelsen mangler et medlem på ledelsesniveau fra Fjordby Kommune." in html
    html = client.get(reverse("plan-detail", args=[demo.plan(PLAN_A1).pk])).content.decode()
    assert "ledelsesniveau fra Fjordby Kommune" not in html
