"""Scoring one response on the satisfaction index (客户满意度指数): a pure computation, no database.

The index system is given as a tree of FactorNode (surveys.selectors.index.scoring_tree_for builds it for a
questionnaire) and the response as its answers normalised to 0–1 by answer_score. A leaf factor scores the
mean of its answered questions; a factor with sub-factors scores the weighted mean of the sub-factors that
have a score, their weights re-normalised over those, so an unanswered question or factor hands its share to
its siblings. The index is the weighted mean of the top-level factors on a 0–100 scale.

Arithmetic is exact (fractions) until the end; results are Decimals rounded half up to two decimals, the
way reports print them.
"""

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from fractions import Fraction

from cxcenter.figures import figure

from .models import Question

RATING_RANKS = 5
RECOMMEND_MAX = 10


@dataclass(frozen=True)
class FactorNode:
    """One factor as scoring sees it: its weight in percent among its siblings, sub-factors and questions.

    Questions mapped straight to a factor that has active sub-factors do not count: questions belong to
    leaf factors. A retired factor and everything under it do not count.
    """

    id: int
    weight: Decimal
    children: tuple["FactorNode", ...] = ()
    question_ids: tuple[int, ...] = ()
    is_retired: bool = False


def answer_score(kind: str, value) -> float | None:
    """One answer normalised to 0–1, 1 being the most satisfied; None when the answer does not count.

    A 5-point rating gives the rank chosen, 1 = good (好) … 5 = poor (差): (5 − rank) / 4.
    Likelihood to recommend gives 0–10: value / 10. Other kinds of question, blank answers and values off
    the scale (not a whole number, out of range) give None.
    """
    if kind == Question.Kind.RATING:
        rank = whole_number(value)
        return None if rank is None or not 1 <= rank <= RATING_RANKS else (RATING_RANKS - rank) / (RATING_RANKS - 1)
    if kind == Question.Kind.RECOMMEND:
        points = whole_number(value)
        return None if points is None or not 0 <= points <= RECOMMEND_MAX else points / RECOMMEND_MAX
    return None


def satisfaction_index(factors: Sequence[FactorNode], answers: Mapping[int, float]) -> Decimal | None:
    """The satisfaction index of one response, 0.00–100.00, or None when no question of the index was answered.

    `factors` are the top-level factors of the index system; `answers` maps question ids to scores from
    answer_score (0–1; None or absent means unanswered). Raises ValueError for a score outside 0–1.
    """
    score = weighted_mean(factors, answers, {})
    return None if score is None else figure(score * 100)


def factor_scores(factors: Sequence[FactorNode], answers: Mapping[int, float]) -> dict[int, Decimal]:
    """The 0–100 score of every active factor that has one for this response, by factor id (for reports)."""
    scores: dict[int, Fraction] = {}
    weighted_mean(factors, answers, scores)
    return {factor_id: figure(score * 100) for factor_id, score in scores.items()}


def weighted_mean(factors: Sequence[FactorNode], answers: Mapping[int, float], scores: dict) -> Fraction | None:
    """The weighted mean of the active factors that have a score; None when none has, or their weights are 0."""
    total = Fraction(0)
    total_weight = Fraction(0)
    for factor in factors:
        if factor.is_retired:
            continue
        score = factor_score(factor, answers, scores)
        if score is None:
            continue
        weight = Fraction(factor.weight)
        total += weight * score
        total_weight += weight
    if total_weight == 0:
        return None
    return total / total_weight


def factor_score(factor: FactorNode, answers: Mapping[int, float], scores: dict) -> Fraction | None:
    """A factor's 0–1 score, also noted in `scores`: from its active sub-factors if any, else its questions."""
    if any(not child.is_retired for child in factor.children):
        score = weighted_mean(factor.children, answers, scores)
    else:
        values = [question_score(answers.get(question_id)) for question_id in factor.question_ids]
        answered = [value for value in values if value is not None]
        score = sum(answered, Fraction(0)) / len(answered) if answered else None
    if score is not None:
        scores[factor.id] = score
    return score


def question_score(value) -> Fraction | None:
    if value is None:
        return None
    score = Fraction(value)
    if not 0 <= score <= 1:
        raise ValueError(f"An answer score must lie between 0 and 1, not {value!r}.")
    return score


def whole_number(value) -> int | None:
    """The answer as a whole number, or None when it is blank or not a whole number."""
    if value is None or isinstance(value, bool):
        return None
    try:
        number = Decimal(str(value).strip())
    except InvalidOperation:
        return None
    if not number.is_finite() or number != number.to_integral_value():
        return None
    return int(number)
