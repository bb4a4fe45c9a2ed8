"""The one base class of the product's domain errors."""


class DomainError(Exception):
    """A change the rules do not allow, or input they refuse; the message, in the user's language, says why.

    Services raise a subclass (PlanError, CaseError, InvalidTransition …); views show the message with a 4xx and
    keep what was already saved, never a 500.
    """
