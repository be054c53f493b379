"""Content-Security-Policy (django-csp) on the HTML pages: no inline script, no inline style."""

import re

import pytest
from django.urls import reverse

from .conftest import PLAN_A1


def policy(response) -> dict[str, list[str]]:
    header = response["Content-Security-Policy"]
    directives = {}
    for part in header.split(";"):
        name, *values = part.split()
        directives[name] = values
    return directives


def assert_strict(response):
    directives = policy(response)
    assert directives["default-src"] == ["'self'"]
    assert directives["script-src"] == ["'self'"]
    assert directives["style-src"] == ["'self'"]
    assert "'unsafe-inline'" not in response["Content-Security-Policy"]
    assert "'unsafe-eval'" not in response["Content-Security-Policy"]
    assert directives["img-src"] == ["'self'", "data:"]
    assert directives["object-src"] == ["'none'"]
    assert directives["frame-ancestors"] == ["'none'"]
    assert directives["form-action"] == ["'self'"]
    assert directives["base-uri"] == ["'self'"]


def page_urls(demo):
    plan = demo.plan(PLAN_A1)
    return [
        reverse("plan-list"),
        reverse("plan-detail", args=[plan.pk]),
        f"/planer/{plan.pk}/maal/",
        reverse("overview"),
        reverse("api-tokens"),
        "/api/v1/docs/",
    ]


def test_the_login_page_has_the_strict_policy(client, db):
    response = client.get(reverse("login"))
    assert response.status_code == 200
    assert_strict(response)


def test_pages_have_the_strict_policy_and_no_inline_script_or_style(demo, login):
    client = login("demo-koordinator")
    assert client.get("/", follow=True).status_code == 200
    for url in page_urls(demo):
        response = client.get(url)
        assert response.status_code == 200, url
        assert_strict(response)
        html = response.content.decode()
        assert not re.search(r"<script(?![^>]*\bsrc=)[^>]*>", html), f"inline <script> on {url}"
        assert "<style" not in html, f"inline <style> on {url}"
        assert not re.search(r"\son[a-z]+=", html), f"inline event handler on {url}"
        assert not re.search(r"\sstyle=", html), f"style attribute on {url}"
        assert "javascript:" not in html


def test_htmx_does_not_inject_its_indicator_style(client, db):
    html = client.get(reverse("login")).content.decode()
    assert '<meta name="htmx-config" content=\'{"includeIndicatorStyles": false, "allowEval": false}\'>' in html


def test_swagger_ui_loads_its_start_up_script_from_a_url(demo, login):
    client = login("demo-koordinator")
    html = client.get("/api/v1/docs/").content.decode()
    scripts = re.findall(r'<script src="([^"]+)"', html)
    assert any("swagger-ui-bundle.js" in src for src in scripts)
    start_up = [src for src in scripts if "script=" in src]
    assert len(start_up) == 1
    script = client.get(start_up[0].replace("&amp;", "&"))
    assert script.status_code == 200
    assert script["Content-Type"].startswith("application/javascript")
    assert "SwaggerUIBundle" in script.content.decode()


@pytest.mark.parametrize("url", ["/api/v1/plans/", "/healthz"])
def test_json_answers_carry_the_policy_too(demo, login, url):
    response = login("demo-koordinator").get(url)
    assert response.status_code == 200
    assert_strict(response)


# Rendered by WeasyPrint into PDFs, never served as HTML.
# Rendered only into PDFs by WeasyPrint (never served), where the column widths are inline.
PDF_TEMPLATES = {"governance/pdf_base.html", "governance/reports/base.html"}


def test_no_served_template_has_inline_script_style_or_handlers():
    from pathlib import Path

    root = Path(__file__).resolve().parent.parent
    offenders = []
    for folder in [root / "templates", *root.glob("*/templates")]:
        for path in folder.rglob("*.html"):
            name = path.relative_to(folder).as_posix()
            if name in PDF_TEMPLATES or name.startswith("governance/reports/sections/") or ".venv" in path.parts:
                continue
            html = path.read_text()
            if (
                re.search(r"<script(?![^>]*\bsrc=)[^>]*>", html)
                or "<style" in html
                or re.search(r"\s(on[a-z]+|style|hx-on[:\w-]*)=", html)
                or "javascript:" in html
            ):
                offenders.append(name)
    assert offenders == []
