"""What an aid entry may only be saved with an override: aid already given in the period (the double-aid guard),
more than the point has in stock, or a recipient outside the programme's ages. The core finds all of them before
anything is written and refuses with `OverrideNeeded`, one message per problem naming its field (a short line names
its line); the entry is saved only with a reason for the override, by an account holding `aid.override`.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from desktop import text
from desktop.aid.eligibility import Ineligible
from desktop.aid.rules import Breach
from desktop.errors import ValidationError, ValidationErrors
from desktop.formats import format_number
from desktop.i18n import N_

# The shortest reason an override is saved with: a word or two of explanation, not a keystroke.
REASON_MIN_CHARS = 10
REASON_MIN_LETTERS = 3


@dataclass(frozen=True)
class Shortage:
    """More of an item is asked than the point has: `line` is the entry's first line (1-based) with the item."""

    line: int
    item_id: str
    item: str  # the item's name as shown
    asked: float
    on_hand: float


def shortage_error(s: Shortage) -> ValidationError:
    return ValidationError(
        "quantity",
        N_("Line {line}: {item} — {asked} asked, but only {on_hand} in stock at this point."),
        row=s.line - 1,
        line=s.line,
        item=s.item,
        asked=format_number(round(s.asked, 3)),
        on_hand=format_number(round(s.on_hand, 3)),
    )


def ineligible_error(i: Ineligible, programme_name: str) -> ValidationError:
    if i.age is not None:
        return ValidationError(
            "programme",
            N_(
                "{programme} is for ages {youngest}–{oldest}; the recipient is {age} on the date of the entry."
            ),
            programme=programme_name,
            youngest=i.youngest if i.youngest is not None else "",
            oldest=i.oldest if i.oldest is not None else "",
            age=i.age,
        )
    return ValidationError(
        "programme",
        N_("{programme} is for ages {youngest}–{oldest}; the recipient's age band is outside them."),
        programme=programme_name,
        youngest=i.youngest if i.youngest is not None else "",
        oldest=i.oldest if i.oldest is not None else "",
    )


DOUBLE_AID_MESSAGE = N_(
    "This recipient already received this programme's aid in the period. To give it again, enter the "
    "reason for the override."
)


class OverrideNeeded(ValidationErrors):
    """The entry needs an override and none (or no valid one) was given; nothing was written. Each problem is one
    message naming its field; `breaches`, `shortages` and `ineligible` say what the override question shows, and
    `recipient` and `programme_name` name them as the warning does."""

    def __init__(
        self,
        *,
        breaches: list[Breach] | None = None,
        shortages: list[Shortage] | None = None,
        ineligible: Ineligible | None = None,
        recipient: str = "",
        programme_name: str = "",
    ):
        self.breaches = list(breaches or [])
        self.shortages = list(shortages or [])
        self.ineligible = ineligible
        self.recipient, self.programme_name = recipient, programme_name
        errors = [shortage_error(s) for s in self.shortages]
        if ineligible is not None:
            errors.append(ineligible_error(ineligible, programme_name))
        if self.breaches:
            errors.append(ValidationError("override_reason", DOUBLE_AID_MESSAGE))
        super().__init__(errors)

    @property
    def field(self) -> str:
        """The field of the first problem (a form with one place for them marks that)."""
        return self.errors[0].field if self.errors else "override_reason"


def check_reason(reason: str | None) -> str:
    """The normalised reason of an override: at least REASON_MIN_CHARS characters with REASON_MIN_LETTERS letters."""
    value = text.normalize(reason)
    letters = sum(1 for ch in value if ch.isalpha())
    if len(value) < REASON_MIN_CHARS or letters < REASON_MIN_LETTERS:
        raise ValidationError(
            "override_reason",
            N_("{field}: write at least {chars} characters (with at least {letters} letters) saying why."),
            chars=REASON_MIN_CHARS,
            letters=REASON_MIN_LETTERS,
        )
    return value


@dataclass
class Problems:
    """Everything an entry needs an override for (empty: it may be saved as is)."""

    breaches: list[Breach] = field(default_factory=list)
    shortages: list[Shortage] = field(default_factory=list)
    ineligible: Ineligible | None = None

    def __bool__(self) -> bool:
        return bool(self.breaches or self.shortages or self.ineligible)
