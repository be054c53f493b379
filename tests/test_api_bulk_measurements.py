"""Set-based bulk measurement ingest (issue 13 item 5): atomic with per-row errors, idempotent,
history rows written, stored status consistent, a constant number of queries, and the same answers
as the row-by-row serializer path."""

import math

import pytest
from django.db import connection

from monitoring.models import Indicator, Measurement
from monitoring.services import statuses_refresh
from plans import api_support

from .conftest import PLAN_A1
from .test_api_monitoring import URL, an_indicator, items, snapshot


def history_count() -> int:
    return Measurement.history.count()


def breakdown_rows(indicator: Indicator, count: int, prefix: str, period: str = "2015-Q1") -> list[dict]:
    return [
        {"indicator": indicator.pk, "period": period, "breakdown_value": f"{prefix}{n}", "value": f"{n}.25"}
        for n in range(count)
    ]


def quarterly_with_breakdown(demo) -> Indicator:
    indicator = an_indicator(demo, PLAN_A1)
    Indicator.objects.filter(pk=indicator.pk).update(frequency="quarterly", breakdown_dimension="Alder")
    indicator.refresh_from_db()
    return indicator


def test_row_errors_name_index_and_field_and_write_nothing(demo, api):
    indicator = quarterly_with_breakdown(demo)
    rows = breakdown_rows(indicator, 10, "atomisk-")
    rows[3]["value"] = "tre"
    rows[7]["period"] = "2015"  # a year for a quarterly indicator
    rows[8]["breakdown_value"] = rows[9]["breakdown_value"]  # the same key twice in one request
    before, history = snapshot(), history_count()
    response = api("demo-boligorg").post(URL, rows, format="json")
    assert response.status_code == 400
    errors = response.json()["errors"]
    assert [(error["index"], sorted(set(error) - {"index"})) for error in errors] == [(3, ["value"])]
    rows[3]["value"] = "3"
    response = api("demo-boligorg").post(URL, rows, format="json")
    assert response.status_code == 400
    errors = response.json()["errors"]
    assert [(error["index"], sorted(set(error) - {"index"})) for error in errors] == [(7, ["period"]), (9, ["period"])]
    assert snapshot() == before and history_count() == history


def test_reposting_the_same_rows_duplicates_nothing(demo, api):
    indicator = quarterly_with_breakdown(demo)
    rows = breakdown_rows(indicator, 25, "igen-")
    client = api("demo-boligorg")
    assert client.post(URL, rows, format="json").status_code == 201
    after_first = snapshot()
    again = client.post(URL, rows, format="json")
    assert again.status_code == 400
    assert [error["index"] for error in again.json()["errors"]] == list(range(25))
    assert snapshot() == after_first


def test_an_idempotency_key_replays_the_first_answer(demo, api):
    indicator = quarterly_with_breakdown(demo)
    rows = breakdown_rows(indicator, 12, "nøgle-")
    client = api("demo-boligorg")
    first = client.post(URL, rows, format="json", HTTP_IDEMPOTENCY_KEY="bulk-1")
    assert first.status_code == 201
    after_first = snapshot()
    second = client.post(URL, rows, format="json", HTTP_IDEMPOTENCY_KEY="bulk-1")
    assert second.status_code == 201 and second["Idempotent-Replayed"] == "true"
    assert second.content == first.content and snapshot() == after_first


def test_each_created_row_has_one_history_row_by_the_token_user(demo, api):
    indicator = quarterly_with_breakdown(demo)
    client = api("demo-boligorg")
    response = client.post(URL, breakdown_rows(indicator, 30, "historik-"), format="json")
    assert response.status_code == 201
    ids = [row["id"] for row in response.json()]
    history = list(Measurement.history.filter(id__in=ids))
    assert sorted(h.id for h in history) == sorted(ids)
    assert {(h.history_type, h.history_user_id, h.history_change_reason) for h in history} == {
        ("+", client.user.pk, "Indtastet")
    }
    current = {m.pk: m for m in Measurement.objects.filter(pk__in=ids)}
    for record in history:
        assert (record.value, record.period_start, record.breakdown_value, record.status) == (
            current[record.id].value,
            current[record.id].period_start,
            current[record.id].breakdown_value,
            "draft",
        )


def test_stored_status_stays_what_the_rule_computes(demo, api):
    """Drafts do not count in the status; after a bulk post the stored status needs no change."""
    assert api("demo-boligorg").post(URL, items(demo, 40), format="json").status_code == 201
    assert statuses_refresh() == 0


def test_created_rows_are_answered_as_the_list_shows_them(demo, api):
    indicator = quarterly_with_breakdown(demo)
    client = api("demo-boligorg")
    created = client.post(URL, breakdown_rows(indicator, 15, "svar-"), format="json").json()
    listed = client.get(f"{URL}?cursor=&page_size=500&indicator={indicator.pk}").json()["results"]
    by_id = {row["id"]: row for row in listed}
    assert created == [by_id[row["id"]] for row in created]


def test_the_fast_validation_gives_what_the_serializer_gives(demo, api, monkeypatch):
    """Odd but valid input (numbers, padding, lower case) is read as DRF reads it."""
    indicator = quarterly_with_breakdown(demo)
    client = api("demo-boligorg")

    def rows(prefix):
        return [
            {"indicator": str(indicator.pk), "period": " 2016-q2 ", "breakdown_value": f" {prefix}a ", "value": 7},
            {"indicator": indicator.pk, "period": "2016-Q2", "breakdown_value": f"{prefix}b", "value": 1.5},
            {"indicator": indicator.pk, "period": "2016-Q3", "breakdown_value": f"{prefix}c", "value": "-0.0001"},
            {"indicator": indicator.pk, "period": "2016-Q4", "value": "12", "source_note": " kilde "},
        ]

    fast = client.post(URL, rows("hurtig-"), format="json")
    monkeypatch.setattr(api_support, "fast_validated_many", lambda serializer, items: None)
    Measurement.objects.filter(indicator=indicator, period__in=["2016-Q4"]).delete()
    slow = client.post(URL, rows("langsom-"), format="json")
    assert fast.status_code == slow.status_code == 201

    def comparable(body):
        return [
            {k: v for k, v in row.items() if k != "id"} | {"breakdown_value": row["breakdown_value"][-1:]}
            for row in body
        ]

    assert comparable(fast.json()) == comparable(slow.json())


@pytest.mark.parametrize("bad", [{"value": "NaN"}, {"value": "1e20"}, {"indicator": True}, {"period": "2016-Q9"}])
def test_invalid_input_gets_the_serializers_messages(demo, api, monkeypatch, bad):
    indicator = quarterly_with_breakdown(demo)
    client = api("demo-boligorg")
    rows = breakdown_rows(indicator, 3, "fejl-")
    rows[1].update(bad)
    fast = client.post(URL, rows, format="json")
    monkeypatch.setattr(api_support, "fast_validated_many", lambda serializer, items: None)
    slow = client.post(URL, rows, format="json")
    assert fast.status_code == slow.status_code == 400
    assert fast.json() == slow.json()


def test_a_bulk_post_takes_the_same_queries_for_10_and_500_rows(demo, api, django_assert_max_num_queries):
    """The same statements for 10 and 500 rows; only the row INSERT may be split where the database
    driver limits parameters per statement (SQLite: 999; PostgreSQL takes the 500 rows in one)."""
    indicator = quarterly_with_breakdown(demo)
    client = api("demo-boligorg")
    client.get(URL)  # the token's last_used is written once a minute; not part of the comparison
    with django_assert_max_num_queries(20) as small:
        assert client.post(URL, breakdown_rows(indicator, 10, "lille-"), format="json").status_code == 201
    fields = [f for f in Measurement._meta.concrete_fields if not f.primary_key]
    batches = math.ceil(500 / min(connection.ops.bulk_batch_size(fields, [None] * 500), 500))
    with django_assert_max_num_queries(len(small.captured_queries) + batches - 1) as large:
        assert client.post(URL, breakdown_rows(indicator, 500, "stor-"), format="json").status_code == 201

    def others(context):
        return [
            q["sql"][:30] for q in context.captured_queries if 'INSERT INTO "monitoring_measurement"' not in q["sql"]
        ]

    assert len(others(large)) == len(others(small))
    assert Measurement.objects.filter(indicator=indicator, breakdown_value__startswith="stor-").count() == 500
