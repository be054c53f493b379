from django.urls import path

from . import views

app_name = "governance"

urlpatterns = [
    path("moeder/", views.upcoming_meetings, name="upcoming-meetings"),
    path("planer/<int:plan_id>/moeder/", views.meeting_list, name="meeting-list"),
    path("planer/<int:plan_id>/moeder/nyt/", views.meeting_create, name="meeting-create"),
    path("planer/<int:plan_id>/beslutninger/", views.decision_register, name="decision-register"),
    path("moeder/<int:meeting_id>/", views.meeting_detail, name="meeting-detail"),
    path("moeder/<int:meeting_id>/rediger/", views.meeting_edit, name="meeting-edit"),
    path("moeder/<int:meeting_id>/dagsorden/", views.meeting_agenda, name="meeting-agenda"),
    path("moeder/<int:meeting_id>/send/", views.meeting_send, name="meeting-send"),
    path("moeder/<int:meeting_id>/moedepakke.pdf", views.meeting_pack_download, name="meeting-pack"),
    path("moeder/<int:meeting_id>/punkter/nyt/", views.agenda_item_create, name="item-create"),
    path("moeder/<int:meeting_id>/referat/", views.minutes_edit, name="minutes-edit"),
    path("moeder/<int:meeting_id>/referat/godkend/", views.minutes_approve, name="minutes-approve"),
    path("punkter/<int:item_id>/rediger/", views.agenda_item_edit, name="item-edit"),
    path("punkter/<int:item_id>/slet/", views.agenda_item_delete, name="item-delete"),
    path("punkter/<int:item_id>/flyt/", views.agenda_item_move, name="item-move"),
    path("punkter/<int:item_id>/bilag/", views.attachment_upload, name="attachment-upload"),
    path("bilag/<int:attachment_id>/", views.attachment_download, name="attachment-download"),
    path("bilag/<int:attachment_id>/slet/", views.attachment_delete, name="attachment-delete"),
    path("beslutninger/<int:decision_id>/handlinger/", views.action_create, name="action-create"),
    path("beslutninger/<int:decision_id>/ret/", views.decision_correct, name="decision-correct"),
    path("handlinger/<int:action_id>/status/", views.action_status, name="action-status"),
    path("kalender/", views.calendar_settings, name="calendar-settings"),
    path("kalender/<str:token>.ics", views.calendar_feed, name="calendar-feed"),
    path("planer/<int:plan_id>/rapporter/", views.report_archive_view, name="report-archive"),
    path("planer/<int:plan_id>/rapporter/bestil/", views.report_request_view, name="report-request"),
    path(
        "planer/<int:plan_id>/rapporter/spoergsmaal/tilfoej/", views.board_question_add_view, name="board-question-add"
    ),
    path("planer/<int:plan_id>/rapporter/<int:report_id>/status/", views.report_status_view, name="report-status"),
    path("planer/<int:plan_id>/rapporter/<int:report_id>/pdf/", views.report_download_view, name="report-download"),
]
