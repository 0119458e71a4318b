"""What each role sees first: the next things to do, as a list of cards.

Each feature adds its ``HomeCard`` to ``HOME_CARDS``: a template under its app and a function
giving that template its context. ``home.html`` includes the cards the user's role gets, in order.
"""

from collections.abc import Callable
from dataclasses import dataclass, field

from accounts.models import Role, User
from accounts.scoping import CHANGE
from accounts.services import inspectors_without_login, schools_without_login
from complaints.home import to_answer
from inspectors.models import Inspector
from rectifications import home as rectification_cards
from reports import home as report_cards
from schools.home import coverage_card
from schools.models import School
from visits import home as visit_cards


@dataclass(frozen=True)
class HomeCard:
    template: str
    roles: frozenset[str]
    context: Callable[[object], dict] = field(default=lambda user: {})


def _my_school(user) -> dict:
    return {"my_school": user.school}


def _logins(user) -> dict:
    users = User.objects.for_user(user, CHANGE).filter(is_superuser=False)
    return {
        "inspectors_without_login": inspectors_without_login(
            Inspector.objects.for_user(user, CHANGE)
        ).count(),
        "schools_without_login": schools_without_login(
            School.objects.for_user(user, CHANGE)
        ).count(),
        "pending_logins": users.filter(is_active=True, must_change_password=True).count(),
    }


HOME_CARDS: list[HomeCard] = [
    HomeCard("visits/home/month.html", frozenset({Role.INSPECTOR}), visit_cards.month_card),
    HomeCard("visits/home/feedback.html", frozenset({Role.PRINCIPAL}), visit_cards.feedback_card),
    HomeCard(
        "visits/home/due.html", frozenset({Role.OFFICE, Role.COMMITTEE}), visit_cards.due_card
    ),
    HomeCard(
        "rectifications/home/school.html",
        frozenset({Role.PRINCIPAL}),
        rectification_cards.school_card,
    ),
    HomeCard(
        "rectifications/home/inspector.html",
        frozenset({Role.INSPECTOR}),
        rectification_cards.item_counts,
    ),
    HomeCard(
        "rectifications/home/office.html",
        frozenset({Role.OFFICE, Role.COMMITTEE}),
        rectification_cards.item_counts,
    ),
    HomeCard("complaints/home/to_answer.html", frozenset({Role.INSPECTOR}), to_answer),
    HomeCard(
        "schools/home/coverage.html",
        frozenset({Role.OFFICE, Role.COMMITTEE}),
        coverage_card,
    ),
    HomeCard("accounts/home/my_school.html", frozenset({Role.PRINCIPAL}), _my_school),
    HomeCard("accounts/home/logins.html", frozenset({Role.OFFICE}), _logins),
    HomeCard(
        "reports/home/figures.html",
        frozenset({Role.OFFICE, Role.COMMITTEE, Role.REGION}),
        report_cards.figures_card,
    ),
]


def cards_for(user) -> list[HomeCard]:
    if user.is_superuser:
        return list(HOME_CARDS)
    return [card for card in HOME_CARDS if user.role in card.roles]


def home_context(user) -> dict:
    cards = cards_for(user)
    context = {"cards": [card.template for card in cards]}
    for card in cards:
        context.update(card.context(user))
    return context
