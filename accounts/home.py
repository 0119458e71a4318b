"""What each role sees first: the next things to do, as a list of cards.

Each app registers its ``HomeCard``s in its ``AppConfig.ready()`` (a template under the app and a
function giving that template its context), so this module imports no app above it. ``home.html``
includes the cards the user's role gets, by their ``order``.
"""

from collections.abc import Callable
from dataclasses import dataclass, field

from accounts.models import Role


@dataclass(frozen=True)
class HomeCard:
    template: str
    roles: frozenset[str]
    context: Callable[[object], dict] = field(default=lambda user: {})
    order: int = 100


HOME_CARDS: list[HomeCard] = []


def register(*cards: HomeCard) -> None:
    """Add an app's cards to the home page (called from its ``AppConfig.ready()``)."""
    HOME_CARDS.extend(card for card in cards if card not in HOME_CARDS)
    HOME_CARDS.sort(key=lambda card: card.order)


def _my_school(user) -> dict:
    return {"my_school": user.school}


register(
    HomeCard("accounts/home/my_school.html", frozenset({Role.PRINCIPAL}), _my_school, order=90)
)


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
