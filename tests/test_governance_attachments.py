"""Bilag: checked by content and size, stored outside the web root, served only to those who may see them."""

import pytest
from django.urls import reverse

from governance.meetings.models import Attachment
from governance.meetings.uploads import JPEG, MAX_ATTACHMENT_BYTES, PDF, PNG
from plans.files import DOCX, XLSX

from .conftest import PLAN_A1, PLAN_B
from .governance_helpers import JPEG_BYTES, PDF_BYTES, PNG_BYTES, demo_meeting, office_bytes, upload


@pytest.fixture
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    return tmp_path


def stored_files(root) -> list:
    return [path for path in root.rglob("*") if path.is_file()]


def _post(client, item, file):
    return client.post(reverse("governance:attachment-upload", args=[item.pk]), {"file": file})


@pytest.mark.parametrize(
    ("name", "content", "expected"),
    [
        ("notat.pdf", PDF_BYTES, PDF),
        ("foto.png", PNG_BYTES, PNG),
        ("foto.jpg", JPEG_BYTES, JPEG),
        ("notat.docx", office_bytes("word"), DOCX),
        ("budget.xlsx", office_bytes("xl"), XLSX),
    ],
)
def test_allowed_types_are_stored_with_checksum(demo, login, media, name, content, expected):
    client = login("demo-sekretariatsleder")
    item = demo_meeting().agenda_items.first()
    response = _post(client, item, upload(name, content))
    assert response.status_code == 302
    attachment = Attachment.objects.get(agenda_item=item, original_name=name)
    assert attachment.content_type == expected
    assert attachment.size == len(content)
    assert len(attachment.sha256) == 64
    assert attachment.uploaded_by.username == "demo-sekretariatsleder"
    files = stored_files(media)
    assert len(files) == 1 and files[0].read_bytes() == content
    assert name not in str(files[0])  # the name on disk is random, never the user's


@pytest.mark.parametrize(
    ("name", "content"),
    [
        ("virus.pdf", b"MZ\x90\x00 this is an executable renamed to .pdf"),
        ("tekst.pdf", b"just some text pretending to be a PDF"),
        ("arkiv.docx", b"PK\x03\x04" + b"\x00" * 40),  # a broken zip
        ("pakke.docx", office_bytes("other")),  # a zip, but neither Word nor Excel
        ("side.html", b"<html><script>alert(1)</script></html>"),
        ("billede.gif", b"GIF89a" + b"\x00" * 20),
    ],
)
def test_wrong_content_is_rejected_and_nothing_is_stored(demo, login, media, name, content):
    client = login("demo-sekretariatsleder")
    item = demo_meeting().agenda_items.first()
    before = Attachment.objects.count()
    response = _post(client, item, upload(name, content, "application/pdf"))
    assert response.status_code == 302
    assert Attachment.objects.count() == before
    assert stored_files(media) == []
    page = client.get(response["Location"])
    assert "Filtypen er ikke tilladt" in page.content.decode()


def test_oversized_file_is_rejected_and_nothing_is_stored(demo, login, media):
    client = login("demo-sekretariatsleder")
    item = demo_meeting().agenda_items.first()
    big = PDF_BYTES + b"0" * (MAX_ATTACHMENT_BYTES + 1 - len(PDF_BYTES))
    response = _post(client, item, upload("stor.pdf", big))
    assert response.status_code == 302
    assert not Attachment.objects.filter(agenda_item=item).exists()
    assert stored_files(media) == []
    assert "for stor" in client.get(response["Location"]).content.decode()


def test_exactly_20_mb_is_accepted(demo, login, media):
    client = login("demo-sekretariatsleder")
    item = demo_meeting().agenda_items.first()
    content = PDF_BYTES + b"0" * (MAX_ATTACHMENT_BYTES - len(PDF_BYTES))
    _post(client, item, upload("netop.pdf", content))
    assert Attachment.objects.filter(agenda_item=item, size=MAX_ATTACHMENT_BYTES).exists()


def test_readers_cannot_upload(demo, login, media):
    item = demo_meeting().agenda_items.first()
    for username, status in (("demo-bestyrelse", 403), ("demo-koordinator", 403), ("demo-koordinator-2", 404)):
        response = _post(login(username), item, upload("notat.pdf", PDF_BYTES))
        assert response.status_code == status, username
    assert not Attachment.objects.filter(agenda_item=item).exists()
    assert stored_files(media) == []


@pytest.fixture
def bilag(demo, login, media):
    """One bilag each on plan A1's board meeting, A1's steering-group meeting and plan B's board meeting."""
    admin = login("demo-admin")
    result = {}
    for key, meeting in (
        ("a1_board", demo_meeting(PLAN_A1)),
        ("a1_group", demo_meeting(PLAN_A1, board=False)),
        ("b_board", demo_meeting(PLAN_B)),
    ):
        item = meeting.agenda_items.first()
        _post(admin, item, upload(f"{key}.pdf", PDF_BYTES))
        result[key] = Attachment.objects.get(original_name=f"{key}.pdf")
    return result


@pytest.mark.parametrize(
    ("username", "visible"),
    [
        ("demo-sekretariatsleder", {"a1_board", "a1_group"}),
        ("demo-koordinator", {"a1_board", "a1_group"}),
        ("demo-bestyrelse", {"a1_board"}),
        ("demo-styregruppe", {"a1_group"}),
        ("demo-koordinator-2", {"b_board"}),
        ("demo-admin", {"a1_board", "a1_group", "b_board"}),
    ],
)
def test_bilag_are_served_only_to_those_who_may_see_the_meeting(bilag, login, username, visible):
    client = login(username)
    for key, attachment in bilag.items():
        response = client.get(reverse("governance:attachment-download", args=[attachment.pk]))
        if key in visible:
            assert response.status_code == 200, key
            assert b"".join(response.streaming_content) == PDF_BYTES
            assert response["Content-Type"] == "application/pdf"
            assert f'filename="{key}.pdf"' in response["Content-Disposition"]
        else:
            assert response.status_code == 404, key


def test_anonymous_cannot_fetch_bilag(bilag, client):
    client.logout()
    response = client.get(reverse("governance:attachment-download", args=[bilag["a1_board"].pk]))
    assert response.status_code == 302


def test_media_is_not_served_by_url(bilag, login):
    """Stored bilag have no public URL: MEDIA_URL is never routed, only the access-checked view serves them."""
    from django.conf import settings

    stored = bilag["a1_board"].file.name
    assert login("demo-admin").get(f"{settings.MEDIA_URL}{stored}").status_code == 404
