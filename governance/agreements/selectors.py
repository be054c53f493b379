"""Reads for versioned agreements, scoped by ``plans.access`` and prepared for the page."""

from dataclasses import dataclass, field

from django.db.models import Prefetch, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from governance.bodies.models import Body
from governance.meetings.models import Decision
from plans import access
from plans.models import Intervention, Plan, SubAgreement

from .diff import FieldDiff, list_diff, text_diff
from .models import AgreementVersion, InterventionAdjustment


def mark_visible_decisions(user, rows) -> None:
    """Set ``decision_visible`` on versions or adjustments: the board's decision is linked only for
    readers who see its meeting (a steering group sees the delaftale, not the board's minutes)."""
    ids = {row.decision_id for row in rows if row.decision_id}
    seen = set(access.visible(user, Decision).filter(pk__in=ids).values_list("pk", flat=True)) if ids else set()
    for row in rows:
        row.decision_visible = row.decision if row.decision_id in seen else None


def _versions(*, user, plan: Plan, sub_agreement: SubAgreement | None) -> QuerySet[AgreementVersion]:
    return (
        access.visible(user, AgreementVersion)
        .filter(plan=plan, sub_agreement=sub_agreement)
        .select_related("drafted_by", "approved_by", "decision__agenda_item__meeting")
        .prefetch_related("parties")
        .order_by("-number")
    )


@dataclass
class AgreementPage:
    """One agreement (the samarbejdsaftale or a delaftale) and its versions, newest first."""

    plan: Plan
    sub_agreement: SubAgreement | None
    versions: list[AgreementVersion]
    can_draft: bool
    can_approve: bool
    fallback_title: str = ""
    fallback_text: str = ""
    fallback_parties: list = field(default_factory=list)

    @property
    def draft(self) -> AgreementVersion | None:
        return next((v for v in self.versions if v.is_draft), None)

    @property
    def current(self) -> AgreementVersion | None:
        return next((v for v in self.versions if not v.is_draft), None)

    @property
    def title(self) -> str:
        shown = self.current or self.draft
        return shown.title if shown else self.fallback_title


def agreement_page(*, user, plan: Plan, sub_agreement: SubAgreement | None = None) -> AgreementPage:
    """The versions page. Before anything is versioned it shows the agreement as ``plans`` holds it."""
    versions = list(_versions(user=user, plan=plan, sub_agreement=sub_agreement))
    mark_visible_decisions(user, versions)
    fallback = {}
    if not versions:
        if sub_agreement is not None:
            fallback = {
                "fallback_title": sub_agreement.title,
                "fallback_text": sub_agreement.description,
                "fallback_parties": list(sub_agreement.parties.all()),
            }
        else:
            row = plan.cooperation_agreements.order_by("-version").first()
            if row is not None:
                fallback = {"fallback_title": row.title, "fallback_text": row.vision}
    # Drafting and approving follow the agreement's rule: the plan for the samarbejdsaftale, the delaftale else.
    target = sub_agreement if sub_agreement is not None else plan
    return AgreementPage(
        plan=plan,
        sub_agreement=sub_agreement,
        versions=versions,
        can_draft=access.can(user, access.CHANGE, target),
        can_approve=access.can(user, access.CHANGE, target),
        **fallback,
    )


def previous_version(version: AgreementVersion) -> AgreementVersion | None:
    """The version before this one (for a draft: the newest approved one)."""
    return (
        AgreementVersion.objects.filter(
            plan_id=version.plan_id, sub_agreement_id=version.sub_agreement_id, number__lt=version.number
        )
        .prefetch_related("parties")
        .order_by("-number")
        .first()
    )


@dataclass
class VersionDiff:
    old: AgreementVersion | None
    new: AgreementVersion
    fields: list[FieldDiff]

    @property
    def changed(self) -> bool:
        return any(f.changed for f in self.fields)


def version_diff(new: AgreementVersion, old: AgreementVersion | None = None) -> VersionDiff:
    """What ``new`` changes compared with ``old`` (default: the version before it)."""
    old = old if old is not None else previous_version(new)
    fields = [
        FieldDiff(_("Titel"), text_diff(old.title if old else "", new.title)),
        FieldDiff(_("Aftaletekst"), text_diff(old.text if old else "", new.text)),
    ]
    if not new.is_cooperation_agreement:
        old_parties = [p.name for p in old.parties.all()] if old else []
        fields.append(FieldDiff(_("Parter"), list_diff(old_parties, [p.name for p in new.parties.all()])))
    return VersionDiff(old=old, new=new, fields=fields)


def board_decisions(*, user, plan: Plan, limit: int = 50) -> QuerySet[Decision]:
    """Current decisions of the plan's board at meetings already held, newest first: what may
    approve a version. Read through the access rule (the reader sees the meetings)."""
    return (
        access.visible(user, Decision)
        .filter(
            is_current=True,
            agenda_item__meeting__body__plan=plan,
            agenda_item__meeting__body__kind__in=Body.BOARD_KINDS,
            agenda_item__meeting__starts_at__lte=timezone.now(),
        )
        .select_related("agenda_item__meeting")
        .order_by("-agenda_item__meeting__starts_at", "agenda_item__position")[:limit]
    )


def sub_agreement_interventions(*, user, sub_agreement: SubAgreement) -> list[Intervention]:
    """The delaftale's indsatser with partners and their adjustment history (a fixed number of queries)."""
    adjustments = access.visible(user, InterventionAdjustment).select_related(
        "changed_by", "decision__agenda_item__meeting"
    )
    interventions = list(
        access.visible(user, Intervention)
        .filter(sub_agreement=sub_agreement)
        .select_related("responsible_partner")
        .prefetch_related("partners", Prefetch("adjustments", queryset=adjustments))
        .order_by("name")
    )
    mark_visible_decisions(user, [a for i in interventions for a in i.adjustments.all()])
    return interventions
