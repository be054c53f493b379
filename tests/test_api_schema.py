"""The OpenAPI schema: it validates, every documented path answers, Swagger UI is local, and schemathesis
finds no server errors and no responses that contradict the schema."""

import io
import re
import uuid
from pathlib import Path

import pytest
import schemathesis
from django.core.management import call_command
from django.core.signals import request_finished, request_started
from django.db import close_old_connections
from hypothesis import HealthCheck, settings
from schemathesis.config import SchemathesisConfig

from portal.wsgi import application

from .conftest import PLAN_A1

SCHEMA_URL = "/api/v1/schema/?format=json"


def test_schema_validates_without_warnings(tmp_path):
    target = tmp_path / "schema.yaml"
    call_command("spectacular", "--validate", "--fail-on-warn", "--file", str(target), stdout=io.StringIO())
    text = target.read_text()
    for resource in (
        "plans",
        "sub-agreements",
        "interventions",
        "commitments",
        "bodies",
        "memberships",
        "goals",
        "indicators",
        "measurements",
        "area-statistics",
        "meetings",
        "decisions",
        "action-items",
        "reports",
    ):
        assert f"/api/v1/{resource}/:" in text


def test_schema_is_public_and_json(client, db):
    response = client.get(SCHEMA_URL)
    assert response.status_code == 200
    assert response.json()["openapi"].startswith("3.")


def test_every_documented_path_answers_for_the_admin(api, demo, settings, tmp_path):
    from .test_reports_views import done_report

    settings.MEDIA_ROOT = tmp_path
    done_report(demo.plan(PLAN_A1))  # the demo world has no generated reports
    client = api("demo-admin")
    paths = client.get(SCHEMA_URL).json()["paths"]
    list_paths = [path for path, ops in paths.items() if "get" in ops and "{" not in path]
    assert len(list_paths) >= 6
    for path in list_paths:
        response = client.get(path)
        assert response.status_code == 200, path
        first = response.json()["results"][0]
        detail_path = f"{path}{{id}}/"
        assert detail_path in paths
        assert client.get(detail_path.replace("{id}", str(first["id"]))).status_code == 200


def test_swagger_ui_uses_local_assets_only(login):
    response = login("demo-boligorg").get("/api/v1/docs/")
    assert response.status_code == 200
    html = response.content.decode()
    assert "/static/drf_spectacular_sidecar/swagger-ui-dist/" in html
    assert '<html lang="en">' in html  # Swagger UI's own interface is English
    assert '<main id="swagger-ui">' in html
    external = re.findall(r"""(?:src|href)=["'](https?:)?//""", html)
    assert external == []


# --- schemathesis -------------------------------------------------------------------------------
#
# Every operation, every default check of schemathesis (server errors, status codes, content types,
# response bodies and headers, positive data accepted, ...), positive data only, as a user who sees
# everything and as one who sees two of three plans (so 403/404 answers are exercised too).
# Settings (and why writes may answer 400/422 to schema-valid data) in tests/schemathesis.toml;
# the same run from the command line: docs/api.md ("The schema and schemathesis").

SCHEMATHESIS_CONFIG = SchemathesisConfig.from_path(Path(__file__).with_name("schemathesis.toml"))
# The suite runs the examples and fuzzing phases, which keeps it fast; the command line adds coverage and stateful.
SCHEMATHESIS_CONFIG.projects.default.phases.update(phases=["examples", "fuzzing"])
schema = schemathesis.openapi.from_wsgi(SCHEMA_URL, application, config=SCHEMATHESIS_CONFIG)


@pytest.fixture(params=["demo-admin", "demo-boligorg"])
def token(request, api):
    """A token for the schemathesis run; the WSGI calls keep the test's database connection open.

    Like Django's test client, disconnect close_old_connections, which would otherwise close the
    test transaction's connection at the end of every request (PostgreSQL).
    """
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    yield api(request.param).key
    request_started.connect(close_old_connections)
    request_finished.connect(close_old_connections)


@schema.parametrize()
@settings(
    deadline=None,
    suppress_health_check=[
        HealthCheck.function_scoped_fixture,
        HealthCheck.too_slow,
        HealthCheck.filter_too_much,
    ],
)
def test_schemathesis_finds_no_server_errors_or_schema_violations(case, token):
    headers = {"Authorization": f"Token {token}"}
    if case.method in {"POST", "PUT", "PATCH"}:
        headers["Idempotency-Key"] = str(uuid.uuid4())  # one key per distinct request, as documented
    case.call_and_validate(headers=headers)
