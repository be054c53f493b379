from django.urls import path

import plans.converters  # noqa: F401  (registers the <id:...> converter)
from governance.agenda import views as agenda_views
from governance.agreements import views as agreement_views
from governance.meetings import views
from governance.meetings.attendance import views as attendance_views
from governance.reports import views as report_views

app_name = "governance"

urlpatterns = [
    path("moeder/", views.upcoming_meetings, name="upcoming-meetings"),
    path("planer/<id:plan_id>/moeder/", views.meeting_list, name="meeting-list"),
    path("planer/<id:plan_id>/moeder/nyt/", views.meeting_create, name="meeting-create"),
    path("planer/<id:plan_id>/beslutninger/", views.decision_register, name="decision-register"),
    path("moeder/<id:meeting_id>/", views.meeting_detail, name="meeting-detail"),
    path("moeder/<id:meeting_id>/rediger/", views.meeting_edit, name="meeting-edit"),
    path("moeder/<id:meeting_id>/dagsorden/", views.meeting_agenda, name="meeting-agenda"),
    path("moeder/<id:meeting_id>/send/", views.meeting_send, name="meeting-send"),
    path("moeder/<id:meeting_id>/send/igen/", views.meeting_send_retry, name="meeting-send-retry"),
    path("moeder/<id:meeting_id>/moedepakke.pdf", views.meeting_pack_download, name="meeting-pack"),
    path("moeder/<id:meeting_id>/punkter/nyt/", views.agenda_item_create, name="item-create"),
    path("moeder/<id:meeting_id>/referat/", views.minutes_edit, name="minutes-edit"),
    path("moeder/<id:meeting_id>/referat/godkend/", views.minutes_approve, name="minutes-approve"),
    path("punkter/<id:item_id>/rediger/", views.agenda_item_edit, name="item-edit"),
    path("punkter/<id:item_id>/slet/", views.agenda_item_delete, name="item-delete"),
    path("punkter/<id:item_id>/flyt/", views.agenda_item_move, name="item-move"),
    path("punkter/<id:item_id>/bilag/", views.attachment_upload, name="attachment-upload"),
    path("bilag/<id:attachment_id>/", views.attachment_download, name="attachment-download"),
    path("bilag/<id:attachment_id>/slet/", views.attachment_delete, name="attachment-delete"),
    path("beslutninger/<id:decision_id>/handlinger/", views.action_create, name="action-create"),
    path("beslutninger/<id:decision_id>/ret/", views.decision_correct, name="decision-correct"),
    path("handlinger/<id:action_id>/status/", views.action_status, name="action-status"),
    path("kalender/", views.calendar_settings, name="calendar-settings"),
    path("kalender/<str:token>.ics", views.calendar_feed, name="calendar-feed"),
    path("planer/<id:plan_id>/rapporter/", report_views.report_archive_view, name="report-archive"),
    path("planer/<id:plan_id>/rapporter/bestil/", report_views.report_request_view, name="report-request"),
    path("planer/<id:plan_id>/rapporter/<id:report_id>/status/", report_views.report_status_view, name="report-status"),
    path("planer/<id:plan_id>/rapporter/<id:report_id>/igen/", report_views.report_retry_view, name="report-retry"),
    path(
        "planer/<id:plan_id>/rapporter/<id:report_id>/pdf/", report_views.report_download_view, name="report-download"
    ),
    # agenda builder (governance.agenda)
    path("moeder/<id:meeting_id>/byg-dagsorden/", agenda_views.agenda_builder, name="agenda-builder"),
    path("moeder/<id:meeting_id>/forslag/accepter/", agenda_views.proposal_accept, name="proposal-accept"),
    path("moeder/<id:meeting_id>/forslag/afvis/", agenda_views.proposal_dismiss, name="proposal-dismiss"),
    path("forslag/<id:response_id>/fortryd/", agenda_views.proposal_restore, name="proposal-restore"),
    path("punkter/<id:item_id>/placer/", agenda_views.item_place, name="item-place"),
    # attendance (governance.meetings.attendance)
    path("moeder/<id:meeting_id>/tilmelding/", attendance_views.respond, name="attendance-respond"),
    path("moeder/<id:meeting_id>/fremmoede/", attendance_views.record, name="attendance-record"),
    path("svar/<str:token>/", attendance_views.respond_by_link, name="attendance-link"),
    # versioned agreements (domain rule 6) and the board's adjustments of indsatser
    path("planer/<id:plan_id>/samarbejdsaftale/", agreement_views.agreement_detail, name="agreement-detail"),
    path("planer/<id:plan_id>/samarbejdsaftale/udkast/", agreement_views.agreement_draft, name="agreement-draft"),
    path("delaftaler/<id:sub_agreement_id>/", agreement_views.sub_agreement_detail, name="sub-agreement-detail"),
    path("delaftaler/<id:sub_agreement_id>/udkast/", agreement_views.sub_agreement_draft, name="sub-agreement-draft"),
    path(
        "delaftaler/<id:sub_agreement_id>/indsatser/",
        agreement_views.sub_agreement_interventions,
        name="sub-agreement-interventions",
    ),
    path("indsatser/<id:intervention_id>/juster/", agreement_views.intervention_adjust, name="intervention-adjust"),
    path("aftaleversioner/<id:version_id>/", agreement_views.version_detail, name="agreement-version"),
    path("aftaleversioner/<id:version_id>/godkend/", agreement_views.version_approve, name="agreement-version-approve"),
    path("aftaleversioner/<id:version_id>/lbf/", agreement_views.version_lbf_approval, name="agreement-version-lbf"),
]
