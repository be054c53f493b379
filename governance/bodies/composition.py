"""The board composition rule (issue #14, item 3; seed 003): a helhedsplan's bestyrelse consists of
administrative leaders at a high level from the kommune and the boligorganisationer.

``board_composition_warnings`` is a pure function over plain data (``Party``, ``Seat``), so tests need
no database; ``governance.bodies.selectors.board_composition`` feeds it the board memberships of many
plans at once (the plan page, the koordinator's Overblik, the pixi's questions for the board). The rule:

- the kommune has a current voting member at leadership level (the kommune itself or one of its
  forvaltninger);
- every boligorganisation party of the plan has one;
- a chair (formand) is named;
- terms are current: no voting member's term runs out within ``TERM_WARNING_DAYS``, and none ran out
  within the last ``TERM_EXPIRED_DAYS``, without a successor from the same organisation recorded.

"At leadership level" is the seat's flag ``Membership.leadership_level`` (the member sits as director,
head of a forvaltning or another senior administrative leader of the organisation represented).
Observers and the secretary do not count as members.
"""

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, timedelta

from django.utils.translation import gettext as _

from common.formatting import format_date

VOTING_ROLES = frozenset({"chair", "vice_chair", "member"})
TERM_WARNING_DAYS = 60
# A term that ran out longer ago than this is history, not a vacancy to fill (the rule on leaders
# still reports an organisation left without one).
TERM_EXPIRED_DAYS = 365


@dataclass(frozen=True)
class Party:
    """An organisation as the rule needs it."""

    id: int
    name: str
    parent_id: int | None = None


@dataclass(frozen=True)
class Seat:
    """One membership of the board as the rule needs it."""

    person: str
    role: str
    organisation_id: int | None
    organisation_parent_id: int | None
    leadership_level: bool
    start_date: date
    end_date: date | None = None

    def current(self, on: date) -> bool:
        return self.start_date <= on and (self.end_date is None or self.end_date >= on)

    def represents(self, party: Party) -> bool:
        """The seat speaks for ``party`` (a forvaltning speaks for its kommune)."""
        return party.id in (self.organisation_id, self.organisation_parent_id)


@dataclass(frozen=True)
class CompositionWarning:
    code: str  # no_board, kommune_leader, housing_org_leader, no_chair, term_ending, term_expired
    message: str
    what_to_do: str
    party_id: int | None = None


def board_composition_warnings(
    *, kommune: Party, housing_orgs: Iterable[Party], seats: Iterable[Seat] | None, on: date
) -> list[CompositionWarning]:
    """What is missing from the board; an empty list when it meets the rule. ``seats`` None: no board."""
    if seats is None:
        return [
            CompositionWarning(
                "no_board",
                _("Planen har ingen bestyrelse."),
                _("Opret bestyrelsen med ledere fra kommunen og hver boligorganisation."),
            )
        ]
    seats = list(seats)
    current = [seat for seat in seats if seat.current(on)]
    voting = [seat for seat in current if seat.role in VOTING_ROLES]
    warnings = []
    for party, code in [(kommune, "kommune_leader"), *((org, "housing_org_leader") for org in housing_orgs)]:
        if not any(seat.leadership_level and seat.represents(party) for seat in voting):
            warnings.append(
                CompositionWarning(
                    code,
                    _("Bestyrelsen mangler et medlem på ledelsesniveau fra %(party)s.") % {"party": party.name},
                    _(
                        "Bed %(party)s udpege en direktør eller chef til bestyrelsen, eller markér et nuværende "
                        "medlem fra %(party)s som »på ledelsesniveau« på medlemskabet."
                    )
                    % {"party": party.name},
                    party.id,
                )
            )
    if not any(seat.role == "chair" for seat in current):
        warnings.append(
            CompositionWarning(
                "no_chair",
                _("Bestyrelsen har ingen formand."),
                _("Vælg en formand på næste møde og registrér vedkommende med rollen formand."),
            )
        )
    ending = sorted(
        (seat for seat in voting if seat.end_date and seat.end_date <= on + timedelta(days=TERM_WARNING_DAYS)),
        key=lambda seat: seat.end_date,
    )
    expired = sorted(
        (
            seat
            for seat in seats
            if seat.role in VOTING_ROLES
            and seat.end_date is not None
            and on - timedelta(days=TERM_EXPIRED_DAYS) <= seat.end_date < on
        ),
        key=lambda seat: seat.end_date,
    )
    for seat in ending:
        if _succeeded(seat, seats):
            continue
        warnings.append(
            CompositionWarning(
                "term_ending",
                _("%(person)s' periode i bestyrelsen udløber %(day)s.")
                % {"person": seat.person, "day": format_date(seat.end_date)},
                _("Forny %(person)s' periode eller registrér efterfølgeren.") % {"person": seat.person},
                seat.organisation_id,
            )
        )
    for seat in expired:
        if _succeeded(seat, seats):
            continue
        warnings.append(
            CompositionWarning(
                "term_expired",
                _("%(person)s' periode i bestyrelsen udløb %(day)s, og ingen efterfølger er registreret.")
                % {"person": seat.person, "day": format_date(seat.end_date)},
                _(
                    "Registrér en ny periode for %(person)s, hvis vedkommende fortsætter, eller registrér "
                    "efterfølgeren fra samme organisation."
                )
                % {"person": seat.person},
                seat.organisation_id,
            )
        )
    return warnings


def _succeeded(seat: Seat, seats: list[Seat]) -> bool:
    """A later seat for the same organisation (a renewed term or a successor) is recorded."""
    return any(other.start_date > seat.end_date and other.organisation_id == seat.organisation_id for other in seats)
