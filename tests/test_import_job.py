"""A confirmed measurement import runs as a job (issue 12: large imports must not hold the request):
the confirm answers at once with a progress page, the job saves the file whole, reports its counts,
fails with a reason a person can act on and «Prøv igen», and the page is its uploader's only."""

import io

import pytest
from django.urls import reverse
from openpyxl import Workbook

from common import jobs
from monitoring.imports import COLUMNS, import_progress, import_progress_key
from monitoring.models import ImportJob, Measurement
from monitoring.selectors import measurable_indicators

from .conftest import PLAN_A1


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path


def _xlsx(rows) -> io.BytesIO:
    book = Workbook()
    sheet = book.active
    sheet.append(list(COLUMNS))
    for row in rows:
        sheet.append(row)
    data = io.BytesIO()
    book.save(data)
    data.seek(0)
    data.name = "maalinger.xlsx"
    return data


def _rows(demo, user, count=3, value="1.234"):
    indicator = measurable_indicators(user, demo.plan(PLAN_A1)).exclude(data_source="lbf").first()
    return indicator, [
        [indicator.pk, indicator.name, str(year), "", value, "Test"] for year in range(2015, 2015 + count)
    ]


def _upload_and_confirm(client, plan, rows, commit):
    response = client.post(reverse("monitoring:import-upload", args=[plan.pk]), {"file": _xlsx(rows)})
    assert response.status_code == 200
    with commit():
        return client.post(reverse("monitoring:import-confirm", args=[plan.pk]))


@pytest.fixture
def commit(django_capture_on_commit_callbacks):
    return lambda: django_capture_on_commit_callbacks(execute=True)


def test_confirming_queues_a_job_that_saves_the_file_and_shows_its_result(demo, login, commit):
    client = login("demo-sekretariatsleder")
    plan = demo.plan(PLAN_A1)
    from django.contrib.auth import get_user_model

    user = get_user_model().objects.get(username="demo-sekretariatsleder")
    indicator, rows = _rows(demo, user, 3)
    response = _upload_and_confirm(client, plan, rows, commit)
    job = ImportJob.objects.get(plan=plan, requested_by=user)
    assert response.status_code == 302 and response.url == reverse("monitoring:import-job", args=[plan.pk, job.pk])
    job.refresh_from_db()
    assert job.state == jobs.JobState.DONE and job.attempts == 1
    assert (job.rows_total, job.created_count) == (3, 3)
    assert Measurement.objects.filter(indicator=indicator, period="2015", value=1234).exists()  # Danish 1.234
    page = client.get(response.url).content.decode()
    assert "Indlæst: 3 nye" in page
    assert job.history.filter(history_change_reason="job: done").exists()


def test_a_job_whose_rows_went_bad_fails_with_the_rows_errors_and_can_be_tried_again(demo, login, commit):
    from django.contrib.auth import get_user_model

    client = login("demo-sekretariatsleder")
    plan = demo.plan(PLAN_A1)
    user = get_user_model().objects.get(username="demo-sekretariatsleder")
    indicator, rows = _rows(demo, user, 2)
    client.post(reverse("monitoring:import-upload", args=[plan.pk]), {"file": _xlsx(rows)})
    indicator.delete()  # the data changed between the preview and the job: nothing may be saved
    with commit():
        response = client.post(reverse("monitoring:import-confirm", args=[plan.pk]))
    job = ImportJob.objects.get(plan=plan, requested_by=user)
    assert job.state == jobs.JobState.FAILED
    assert "Ret filen" in job.last_error
    page = client.get(response.url).content.decode()
    assert "Prøv igen" in page and "intet er gemt" in page
    with commit():
        client.post(reverse("monitoring:import-job-retry", args=[plan.pk, job.pk]))
    job.refresh_from_db()
    assert job.state == jobs.JobState.FAILED and job.attempts == 1  # the same file fails the same way, once


def test_progress_is_read_from_the_cache_while_the_job_runs(demo):
    from django.core.cache import cache

    cache.set(import_progress_key(987), (500, 2000))
    assert import_progress(987) == (500, 2000)


def test_the_job_page_is_its_uploaders_only(demo, login, commit):
    from django.contrib.auth import get_user_model

    plan = demo.plan(PLAN_A1)
    user = get_user_model().objects.get(username="demo-sekretariatsleder")
    job = ImportJob.objects.create(plan=plan, requested_by=user, file_name="imports/pending/x.xlsx", state="done")
    url = reverse("monitoring:import-job", args=[plan.pk, job.pk])
    assert login("demo-sekretariatsleder").get(url).status_code == 200
    assert login("demo-admin").get(url).status_code == 404
    assert login("demo-koordinator").get(url).status_code == 404
    assert login("demo-koordinator-2").get(url).status_code == 404  # not even the plan


def test_a_running_job_page_refreshes_itself_with_a_progress_bar(demo, login):
    from django.contrib.auth import get_user_model
    from django.core.cache import cache

    plan = demo.plan(PLAN_A1)
    user = get_user_model().objects.get(username="demo-sekretariatsleder")
    job = ImportJob.objects.create(plan=plan, requested_by=user, file_name="imports/pending/x.xlsx", state="running")
    cache.set(import_progress_key(job.pk), (1500, 6000))
    page = login("demo-sekretariatsleder").get(reverse("monitoring:import-job", args=[plan.pk, job.pk]))
    html = page.content.decode()
    assert 'hx-trigger="every 2s"' in html and '<progress id="import-progress" max="6000" value="1500">' in html
