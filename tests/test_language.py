"""Language (#16 item 6): one date format per language everywhere, ISO in exports, the English UI complete.

- Dates: "3. dec. 2026" / "3. dec. 2026 kl. 14.30" in Danish, "3 Dec 2026" / "3 Dec 2026, 14:30" in English,
  from the format modules (portal/formats/<lang>/formats.py) through Django's ``|date`` / ``|time`` and
  ``common.formatting``; pages, e-mails and report HTML show no other date format, and no template or
  module sets an ad-hoc one.
- Date fields still take "3.12.2026", "03-12-2026" and ISO dates.
- The English catalogues have no untranslated or fuzzy entry, and every gettext string of the code is in them.
- English pages, as each role, show no Danish UI words outside the (Danish) data.
"""

import re
import shutil
import subprocess
import sys
from datetime import date, datetime, timedelta
from html.parser import HTMLParser
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from django import forms
from django.apps import apps
from django.contrib.auth import get_user_model
from django.core import mail
from django.db import models
from django.urls import reverse
from django.utils import translation

from common.formatting import format_date, format_datetime, format_time, format_weekday_date
from governance.meetings.models import ActionItem, Meeting
from governance.meetings.services import send_overdue_action_reminders
from governance.reports.content import build_report_snapshot, render_report_html
from governance.reports.models import StatusReport
from monitoring.lbf_codes import catalogue
from plans.models import Person

from .conftest import PLAN_A1
from .factories import ActionItemFactory, AgendaItemFactory, BodyFactory, DecisionFactory, MeetingFactory

ROOT = Path(__file__).resolve().parent.parent
CATALOGUES = [ROOT / "locale/en/LC_MESSAGES/django.po", ROOT / "monitoring/locale/en/LC_MESSAGES/django.po"]
COPENHAGEN = ZoneInfo("Europe/Copenhagen")

# Date formats the portal no longer shows anywhere a person reads: 03.12.2026, 03-12-2026, 3.12.2026,
# and Danish month names written out where the format abbreviates them (marts–juli are short anyway).
OLD_DATE = re.compile(
    r"\b\d{1,2}[.-]\d{1,2}[.-]\d{4}\b"
    r"|\b\d{1,2}\. (?:januar|februar|august|september|oktober|november|december) \d{4}\b"
)


# --- The one format ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("language", "day", "moment", "time", "weekday"),
    [
        ("da", "3. dec. 2026", "3. dec. 2026 kl. 14.30", "14.30", "torsdag 3. dec. 2026"),
        ("en", "3 Dec 2026", "3 Dec 2026, 14:30", "14:30", "Thursday 3 Dec 2026"),
    ],
)
def test_one_date_format_per_language(language, day, moment, time, weekday):
    when = datetime(2026, 12, 3, 13, 30, tzinfo=ZoneInfo("UTC"))  # 14.30 in Copenhagen
    with translation.override(language):
        assert format_date(date(2026, 12, 3)) == day
        assert format_date(when) == day
        assert format_date("2026-12-03") == day  # report snapshots keep ISO dates
        assert format_datetime(when) == moment
        assert format_time(when) == time
        assert format_weekday_date(date(2026, 12, 3)) == weekday
        assert format_date(None) == "–"


def test_danish_short_months_are_written_in_full_and_abbreviations_end_with_a_full_stop():
    with translation.override("da"):
        assert format_date(date(2026, 5, 3)) == "3. maj 2026"
        assert format_date(date(2026, 7, 1)) == "1. juli 2026"
        assert format_date(date(2026, 9, 30)) == "30. sept. 2026"
        assert format_date(date(2026, 1, 2)) == "2. jan. 2026"


@pytest.mark.parametrize("text", ["3.12.2026", "03.12.2026", "03-12-2026", "2026-12-03"])
def test_danish_date_fields_take_the_usual_ways_of_writing_a_date(text):
    class DayForm(forms.Form):
        day = forms.DateField()

    with translation.override("da"):
        form = DayForm(data={"day": text})
        assert form.is_valid(), form.errors
        assert form.cleaned_data["day"] == date(2026, 12, 3)


def test_english_date_fields_take_iso_and_the_shown_format():
    class DayForm(forms.Form):
        day = forms.DateField()

    with translation.override("en"):
        for text in ("2026-12-03", "3 Dec 2026"):
            form = DayForm(data={"day": text})
            assert form.is_valid(), (text, form.errors)
            assert form.cleaned_data["day"] == date(2026, 12, 3)


# --- Pages, e-mails and report HTML show the format ---------------------------------------------


def _visible_text(html: str) -> str:
    parser = _TextParser()
    parser.feed(html)
    return "\n".join(parser.texts)


class _TextParser(HTMLParser):
    """Text nodes a person sees (not script, style, or the contents of ``<code>``)."""

    SKIP = {"script", "style", "code", "template"}

    def __init__(self):
        super().__init__()
        self.texts: list[str] = []
        self._skip = 0

    def handle_starttag(self, tag, attrs):
        if tag in self.SKIP:
            self._skip += 1

    def handle_endtag(self, tag):
        if tag in self.SKIP and self._skip:
            self._skip -= 1

    def handle_data(self, data):
        text = " ".join(data.split())
        if text and not self._skip:
            self.texts.append(text)


def _meeting_with_dates(plan):
    starts = datetime(2026, 12, 3, 14, 30, tzinfo=COPENHAGEN)
    return MeetingFactory(
        body=plan.bodies.order_by("pk").first(), starts_at=starts, ends_at=starts + timedelta(hours=2)
    )


def test_pages_show_the_one_date_format(demo, login):
    plan = demo.plan(PLAN_A1)
    meeting = _meeting_with_dates(plan)
    client = login("demo-sekretariatsleder")
    pages = [
        reverse("governance:meeting-detail", args=[meeting.pk]),
        reverse("governance:meeting-list", args=[plan.pk]),
        reverse("governance:upcoming-meetings"),
        reverse("governance:decision-register", args=[plan.pk]),
        reverse("governance:report-archive", args=[plan.pk]),
        reverse("plan-detail", args=[plan.pk]),
        reverse("monitoring:goal-tree", args=[plan.pk]),
        reverse("monitoring:indicator-detail", args=[plan.pk, plan.goals.first().indicators.first().pk]),
        reverse("my-secretariat"),
        reverse("overview"),
    ]
    for path in pages:
        response = client.get(path)
        assert response.status_code == 200, path
        text = _visible_text(response.content.decode())
        assert not OLD_DATE.search(text), (path, OLD_DATE.search(text).group(0))
    detail = _visible_text(client.get(pages[0]).content.decode())
    assert "torsdag 3. dec. 2026 kl. 14.30–16.30" in detail

    client.cookies["django_language"] = "en"
    english = _visible_text(client.get(pages[0]).content.decode())
    assert "Thursday 3 Dec 2026, 14:30–16:30" in english
    assert not OLD_DATE.search(english)


def test_reading_room_shows_the_one_date_format(demo, login):
    client = login("demo-bestyrelse")
    text = _visible_text(client.get(reverse("reading-room")).content.decode())
    assert not OLD_DATE.search(text), OLD_DATE.search(text).group(0)
    months = r"jan\.|feb\.|marts|april|maj|juni|juli|aug\.|sept\.|okt\.|nov\.|dec\."
    assert re.search(rf"\b\d{{1,2}}\. (?:{months}) \d{{4}}", text)


def test_reminder_emails_show_the_one_date_format(demo):
    ActionItem.objects.update(status=ActionItem.Status.DONE)
    plan = demo.plan(PLAN_A1)
    meeting = MeetingFactory(body=BodyFactory(plan=plan), starts_at=datetime(2026, 9, 1, 10, 0, tzinfo=COPENHAGEN))
    decision = DecisionFactory(agenda_item=AgendaItemFactory(meeting=meeting))
    owner = Person.objects.create(name="Anna Ansvarlig", email="anna@example.invalid")
    ActionItemFactory(decision=decision, owner=owner, title="Opgave", due_date=date(2026, 11, 30))

    send_overdue_action_reminders(today=date(2026, 12, 3))

    bodies = {message.to[0]: message.body for message in mail.outbox}
    assert "(frist 30. nov. 2026)" in bodies["anna@example.invalid"]
    assert "1. sept. 2026" in bodies["anna@example.invalid"]
    assert "Overskredne handlingspunkter pr. 3. dec. 2026:" in bodies["demo-sekretariatsleder@example.invalid"]
    for body in bodies.values():
        assert not OLD_DATE.search(body), OLD_DATE.search(body).group(0)


def test_agenda_subject_and_report_html_show_the_one_date_format(demo):
    plan = demo.plan(PLAN_A1)
    meeting = _meeting_with_dates(plan)
    with translation.override("da"):
        assert str(meeting).endswith("(3. dec. 2026)")
    for kind in ("pixi", "full"):
        snapshot = build_report_snapshot(plan=plan, period="2026-Q3", kind=kind)
        html = render_report_html(
            report=StatusReport(plan=plan, period="2026-Q3", kind=kind, version=1), snapshot=snapshot
        )
        text = _visible_text(html)
        assert "1. juli 2026 – 30. sept. 2026" in text, kind
        assert not OLD_DATE.search(text), (kind, OLD_DATE.search(text).group(0))


# --- No ad-hoc formats in templates or code ------------------------------------------------------

# The named formats and the two parts that are not a date format of their own (a year, a weekday).
ALLOWED_DATE_ARGUMENTS = {"DATE_FORMAT", "DATETIME_FORMAT", "SHORT_DATE_FORMAT", "SHORT_DATETIME_FORMAT", "Y", "l"}
TEMPLATE_DATE_ARGUMENT = re.compile(r"\|(date|time|report_date):[\"']([^\"']*)[\"']")
# Python that formats a date for people by hand; ISO (exports, iCal, logs) is fine.
PYTHON_DATE_FORMAT = re.compile(r"strftime\(\s*[\"'](?![%]Y%m%dT)[^\"']*%d|:%d[.-]%m|dateformat import|\"j\. F Y\"")


def _source_files(*patterns):
    skip = {".venv", "node_modules", "staticfiles", "var", "tests", "bench", "migrations", ".git"}
    for pattern in patterns:
        for path in ROOT.rglob(pattern):
            if not skip & set(path.relative_to(ROOT).parts):
                yield path


def test_templates_use_only_the_named_date_formats():
    offenders = []
    for path in _source_files("*.html", "*.txt"):
        if "templates" not in path.parts:
            continue
        for match in TEMPLATE_DATE_ARGUMENT.finditer(path.read_text(encoding="utf-8")):
            name, argument = match.groups()
            if not (name == "time" and argument == "TIME_FORMAT") and argument not in ALLOWED_DATE_ARGUMENTS:
                offenders.append(f"{path.relative_to(ROOT)}: {match.group(0)}")
    assert offenders == []


def test_python_code_formats_dates_for_people_through_common_formatting():
    offenders = []
    for path in _source_files("*.py"):
        if path.parent.name == "commands":
            continue  # operator output on the console (ISO)
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
            if PYTHON_DATE_FORMAT.search(line):
                offenders.append(f"{path.relative_to(ROOT)}:{number}: {line.strip()}")
    assert offenders == []


# --- The English catalogues ----------------------------------------------------------------------


def _po_entries(path: Path) -> list[dict]:
    """The live entries of a .po file: msgctxt, msgid, msgid_plural, msgstr / msgstr[n] and flags."""
    entries = []
    for block in re.split(r"\n[ \t]*\n", path.read_text(encoding="utf-8")):
        lines = block.strip().splitlines()
        if not lines or all(line.startswith("#~") for line in lines if line.strip()):
            continue
        entry: dict = {"flags": set(), "msgstr": []}
        key = None
        for line in lines:
            if line.startswith("#,"):
                entry["flags"] |= {flag.strip() for flag in line[2:].split(",")}
            elif line.startswith("#"):
                continue
            elif match := re.match(r'(msgctxt|msgid_plural|msgid|msgstr(?:\[\d+\])?) "(.*)"$', line):
                key, text = match.groups()
                if key.startswith("msgstr"):
                    entry["msgstr"].append(text)
                    key = "msgstr"
                else:
                    entry[key] = text
            elif (match := re.match(r'"(.*)"$', line)) and key:
                if key == "msgstr":
                    entry["msgstr"][-1] += match.group(1)
                else:
                    entry[key] += match.group(1)
        if "msgid" in entry:
            entries.append(entry)
    return entries


@pytest.mark.parametrize("catalogue_path", CATALOGUES, ids=lambda p: str(p.relative_to(ROOT)))
def test_english_catalogue_has_no_untranslated_or_fuzzy_entry(catalogue_path):
    entries = [e for e in _po_entries(catalogue_path) if e["msgid"]]  # the header has an empty msgid
    assert len(entries) > 100
    fuzzy = [e["msgid"] for e in entries if "fuzzy" in e["flags"]]
    untranslated = [e["msgid"] for e in entries if not all(e["msgstr"])]
    assert fuzzy == [], f"fuzzy entries in {catalogue_path.name}: {fuzzy}"
    assert untranslated == [], f"untranslated entries: {untranslated}"


def test_every_gettext_string_of_the_code_is_in_the_english_catalogue(tmp_path):
    """makemessages over a copy of the sources must find no msgid the catalogues lack (about 2 s)."""
    if not shutil.which("xgettext"):
        pytest.skip("gettext tools are not installed")
    skip = {".venv", "node_modules", "staticfiles", "var", ".git", "test-artifacts", "media", "__pycache__"}
    copy = tmp_path / "src"

    def ignore(directory, names):
        return [n for n in names if n in skip or (Path(directory).name == "static" and n == "vendor")]

    shutil.copytree(ROOT, copy, ignore=ignore, symlinks=True)
    subprocess.run(
        [sys.executable, "manage.py", "makemessages", "-l", "en", "-v0", "--ignore=tests"],
        cwd=copy,
        check=True,
        timeout=120,
    )
    missing = []
    for original in CATALOGUES:
        known = {(e.get("msgctxt"), e["msgid"]) for e in _po_entries(original)}
        made = copy / original.relative_to(ROOT)
        for entry in _po_entries(made):
            if entry["msgid"] and (entry.get("msgctxt"), entry["msgid"]) not in known:
                missing.append(f"{original.relative_to(ROOT)}: {entry['msgid']}")
    assert missing == [], "run makemessages -l en and translate: " + "; ".join(missing)


# --- The English UI as each role -----------------------------------------------------------------

# Danish words that are UI text, never English (case-sensitive, whole words). Data (plan names,
# meeting titles, people, goals …) is Danish by design and is taken out of the page first.
DANISH_WORDS = re.compile(
    r"\b(?:Møde|Mål|Bestyrelse|Gem|Tilbage|ikke|og|Dagsorden|Frist|Indsatser|Vis|Slet|Ret|Periode|Kilde|Enhed)\b"
)


def _data_strings() -> list[str]:
    """Every text stored in the portal's tables that contains one of the words (the Danish data)."""
    found = set()
    for model in apps.get_models():
        if model._meta.app_label not in {"plans", "monitoring", "governance", "portal", "auth"}:
            continue
        fields = [f.name for f in model._meta.concrete_fields if isinstance(f, models.CharField | models.TextField)]
        if not fields:
            continue
        for row in model._base_manager.values_list(*fields):
            for value in row:
                if value and DANISH_WORDS.search(value):
                    found.add(" ".join(value.split()))
    for user in get_user_model().objects.all():
        found.add(user.get_full_name())
    return sorted(found, key=len, reverse=True)


def _danish_leftovers(html: str, data: list[str]) -> list[str]:
    leftovers = []
    for text in _visible_text(html).splitlines():
        for value in data:
            if value in text:
                text = text.replace(value, " ")
            elif text.endswith("…") and value.startswith(text[:-1].strip()):
                text = ""
        if match := DANISH_WORDS.search(text):
            leftovers.append(f"{match.group(0)!r} in {text[:120]!r}")
    return leftovers


ROLE_PAGES = {
    "demo-koordinator": ["home", "plan-list", "overview", "cofinancing", "area-barometer", "project-bank"],
    "demo-bestyrelse": ["home", "reading-room", "governance:upcoming-meetings"],
    "demo-styregruppe": ["home", "plan-list", "governance:upcoming-meetings"],
    "demo-boligorg": ["home", "plan-list", "cofinancing"],
    "demo-admin": ["home", "overview", "api-tokens"],
}


def _lead_pages(plan) -> list[str]:
    meeting = Meeting.objects.filter(body__plan=plan, agenda_items__isnull=False).order_by("-starts_at").first()
    goal = plan.goals.filter(indicators__isnull=False).order_by("pk").first()
    indicator = goal.indicators.order_by("pk").first()
    return [
        reverse("home"),
        reverse("my-secretariat"),
        reverse("plan-list"),
        reverse("plan-detail", args=[plan.pk]),
        reverse("overview"),
        reverse("cofinancing"),
        reverse("project-bank"),
        reverse("area-barometer"),
        reverse("governance:upcoming-meetings"),
        reverse("governance:meeting-list", args=[plan.pk]),
        reverse("governance:meeting-detail", args=[meeting.pk]),
        reverse("governance:meeting-agenda", args=[meeting.pk]),
        reverse("governance:decision-register", args=[plan.pk]),
        reverse("governance:report-archive", args=[plan.pk]),
        reverse("monitoring:goal-tree", args=[plan.pk]),
        reverse("monitoring:indicator-detail", args=[plan.pk, indicator.pk]),
        reverse("monitoring:measurement-create", args=[plan.pk, indicator.pk]),
        reverse("monitoring:indicator-create", args=[plan.pk, goal.pk]),
        reverse("governance:meeting-create", args=[plan.pk]),
        reverse("api-tokens"),
        "/findes-ikke/",
    ]


def test_english_pages_of_every_role_show_no_danish_ui_words(demo, client):
    plan = demo.plan(PLAN_A1)
    data = _data_strings()
    client.cookies["django_language"] = "en"
    problems = []
    pages = {"demo-sekretariatsleder": _lead_pages(plan)}
    pages |= {role: [reverse(name) for name in names] for role, names in ROLE_PAGES.items()}
    for username, paths in pages.items():
        client.force_login(demo.user(username))
        for path in paths:
            response = client.get(path, follow=True)
            html = response.content.decode()
            assert '<html lang="en"' in html, (username, path, response.status_code)
            problems += [f"{username} {path}: {leftover}" for leftover in _danish_leftovers(html, data)]
            problems += [f"{username} {path}: date {m}" for m in OLD_DATE.findall(_visible_text(html))]
    assert problems == []


def test_lbf_codes_have_english_labels_units_and_sources():
    with translation.override("en"):
        for entry in catalogue().values():
            assert entry.label and entry.unit and entry.source
            assert entry.label != entry.label_da, entry.code
    with translation.override("da"):
        assert catalogue()["BEBOERE"].display == "Antal beboere i boligområdet (antal)"


def test_threshold_hints_follow_the_active_language(demo, login):
    plan = demo.plan(PLAN_A1)
    goal = plan.goals.order_by("pk").first()
    client = login("demo-sekretariatsleder")
    path = reverse("monitoring:indicator-create", args=[plan.pk, goal.pk])
    danish = client.get(path).content.decode()
    assert "standard 0,90 = 90 %" in danish
    client.cookies["django_language"] = "en"
    english = client.get(path).content.decode()
    assert "default 0.90 = 90 %" in english
