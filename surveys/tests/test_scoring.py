"""The satisfaction index of one response: worked examples and the properties every index must keep."""

from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from surveys.models import Question
from surveys.scoring import FactorNode, answer_score, factor_scores, satisfaction_index

# A two-level index: product 60% (appearance 30%, use 70%), service 40%.
APPEARANCE = FactorNode(id=11, weight=Decimal("30"), question_ids=(1, 2))
USE = FactorNode(id=12, weight=Decimal("70"), question_ids=(3,))
PRODUCT = FactorNode(id=1, weight=Decimal("60"), children=(APPEARANCE, USE))
SERVICE = FactorNode(id=2, weight=Decimal("40"), question_ids=(4,))
INDEX = (PRODUCT, SERVICE)


@pytest.mark.parametrize(
    ("kind", "value", "expected"),
    [
        (Question.Kind.RATING, 1, 1.0),
        (Question.Kind.RATING, 2, 0.75),
        (Question.Kind.RATING, 3, 0.5),
        (Question.Kind.RATING, "4", 0.25),
        (Question.Kind.RATING, 5, 0.0),
        (Question.Kind.RECOMMEND, 0, 0.0),
        (Question.Kind.RECOMMEND, 7, 0.7),
        (Question.Kind.RECOMMEND, "10", 1.0),
    ],
)
def test_answer_score_normalises_ratings_and_recommendations(kind, value, expected):
    assert answer_score(kind, value) == pytest.approx(expected)


@pytest.mark.parametrize(
    ("kind", "value"),
    [
        (Question.Kind.RATING, 0),
        (Question.Kind.RATING, 6),
        (Question.Kind.RATING, 2.5),
        (Question.Kind.RATING, None),
        (Question.Kind.RATING, ""),
        (Question.Kind.RATING, "good"),
        (Question.Kind.RECOMMEND, 11),
        (Question.Kind.RECOMMEND, -1),
        (Question.Kind.TEXT, "很好"),
        (Question.Kind.NUMBER, 5),
        (Question.Kind.SINGLE, 1),
        (Question.Kind.PRICE_BAND, 2),
    ],
)
def test_answers_off_the_scale_or_of_other_kinds_are_not_scored(kind, value):
    assert answer_score(kind, value) is None


def test_worked_example_with_every_question_answered():
    # appearance (0.75 + 0.5) / 2 = 0.625; use 1.0; product 0.3 × 0.625 + 0.7 × 1.0 = 0.8875;
    # service 0.25; index 0.6 × 0.8875 + 0.4 × 0.25 = 0.6325.
    answers = {1: 0.75, 2: 0.5, 3: 1.0, 4: 0.25}
    assert satisfaction_index(INDEX, answers) == Decimal("63.25")


def test_worked_example_with_an_unanswered_factor():
    # Service unanswered: the product carries the whole index, 0.8875.
    assert satisfaction_index(INDEX, {1: 0.75, 2: 0.5, 3: 1.0}) == Decimal("88.75")


def test_worked_example_with_an_unanswered_question():
    # Question 2 unanswered: appearance is question 1 alone, 0.75; product 0.3 × 0.75 + 0.7 × 0.5 = 0.575;
    # index 0.6 × 0.575 + 0.4 × 1.0 = 0.745.
    assert satisfaction_index(INDEX, {1: 0.75, 3: 0.5, 4: 1.0}) == Decimal("74.50")


def test_worked_example_rounds_half_up_to_two_decimals():
    # Weights 33.33/33.33/33.34 with 1, 1, 0: 0.6666 exactly.
    thirds = (
        FactorNode(id=1, weight=Decimal("33.33"), question_ids=(1,)),
        FactorNode(id=2, weight=Decimal("33.33"), question_ids=(2,)),
        FactorNode(id=3, weight=Decimal("33.34"), question_ids=(3,)),
    )
    assert satisfaction_index(thirds, {1: 1.0, 2: 1.0, 3: 0.0}) == Decimal("66.66")
    # One leaf with 1, 1, 0: 2/3 → 66.666… → 66.67.
    leaf = FactorNode(id=1, weight=Decimal("100"), question_ids=(1, 2, 3))
    assert satisfaction_index((leaf,), {1: 1.0, 2: 1.0, 3: 0.0}) == Decimal("66.67")
    # 0.25 × (0.25 + 0) / 2 = 0.03125 → 3.125 → 3.13 (half up, not half even).
    quarter = (
        FactorNode(id=1, weight=Decimal("25"), question_ids=(1, 2)),
        FactorNode(id=2, weight=Decimal("75"), question_ids=(3,)),
    )
    assert satisfaction_index(quarter, {1: 0.25, 2: 0.0, 3: 0.0}) == Decimal("3.13")


def test_factor_scores_give_each_answered_factor_on_0_to_100():
    scores = factor_scores(INDEX, {1: 0.75, 2: 0.5, 3: 1.0})
    assert scores == {11: Decimal("62.50"), 12: Decimal("100.00"), 1: Decimal("88.75")}


def test_nothing_answered_gives_no_index():
    assert satisfaction_index(INDEX, {}) is None
    assert satisfaction_index(INDEX, {1: None, 4: None}) is None
    assert satisfaction_index((), {1: 1.0}) is None


def test_retired_factors_do_not_count():
    retired_service = FactorNode(id=2, weight=Decimal("40"), question_ids=(4,), is_retired=True)
    assert satisfaction_index((PRODUCT, retired_service), {1: 0.75, 2: 0.5, 3: 1.0, 4: 0.0}) == Decimal("88.75")


def test_a_factor_whose_sub_factors_are_all_retired_scores_its_own_questions():
    retired_child = FactorNode(id=21, weight=Decimal("100"), question_ids=(5,), is_retired=True)
    factor = FactorNode(id=2, weight=Decimal("100"), children=(retired_child,), question_ids=(4,))
    assert satisfaction_index((factor,), {4: 0.5, 5: 1.0}) == Decimal("50.00")


def test_questions_of_a_factor_with_active_sub_factors_do_not_count():
    child = FactorNode(id=21, weight=Decimal("100"), question_ids=(5,))
    factor = FactorNode(id=2, weight=Decimal("100"), children=(child,), question_ids=(4,))
    assert satisfaction_index((factor,), {4: 0.0, 5: 1.0}) == Decimal("100.00")


def test_answered_factors_of_weight_zero_give_no_index():
    zero = FactorNode(id=1, weight=Decimal("0"), question_ids=(1,))
    full = FactorNode(id=2, weight=Decimal("100"), question_ids=(2,))
    assert satisfaction_index((zero, full), {1: 1.0}) is None
    assert satisfaction_index((zero, full), {1: 1.0, 2: 0.5}) == Decimal("50.00")


def test_a_score_outside_0_to_1_is_a_programming_error():
    with pytest.raises(ValueError):
        satisfaction_index(INDEX, {1: 1.5})


# Property tests: random trees up to four levels, weights in percent with two decimals, answers 0–1.

weights = st.decimals(min_value=0, max_value=100, places=2)
answer_values = st.one_of(st.none(), st.floats(min_value=0, max_value=1), st.sampled_from([0.0, 0.25, 0.5, 0.75, 1.0]))


@st.composite
def trees(draw, level=1, max_children=4):
    """A tuple of sibling FactorNode with distinct ids, and the question ids used."""
    ids = draw(st.shared(st.builds(lambda: iter(range(1, 10**6))), key="ids"))
    count = draw(st.integers(min_value=1, max_value=max_children))
    nodes = []
    for _ in range(count):
        factor_id = next(ids)
        if level < 4 and draw(st.booleans()):
            children = draw(trees(level=level + 1, max_children=3))
            questions = ()
        else:
            children = ()
            questions = tuple(next(ids) for _ in range(draw(st.integers(min_value=0, max_value=3))))
        nodes.append(
            FactorNode(
                id=factor_id,
                weight=draw(weights),
                children=children,
                question_ids=questions,
                is_retired=draw(st.booleans()) and draw(st.booleans()),
            )
        )
    return tuple(nodes)


def question_ids_of(nodes):
    for node in nodes:
        yield from node.question_ids
        yield from question_ids_of(node.children)


@st.composite
def scored_responses(draw):
    tree = draw(trees())
    answers = {question_id: draw(answer_values) for question_id in question_ids_of(tree)}
    return tree, answers


@given(scored_responses())
def test_the_index_is_none_or_between_0_and_100(response):
    tree, answers = response
    index = satisfaction_index(tree, answers)
    assert index is None or Decimal("0") <= index <= Decimal("100")
    assert index is None or index == index.quantize(Decimal("0.01"))


@given(scored_responses(), st.data())
def test_a_better_answer_never_lowers_the_index(response, data):
    tree, answers = response
    answered = sorted(question_id for question_id, value in answers.items() if value is not None)
    if not answered:
        return
    question_id = data.draw(st.sampled_from(answered))
    better = data.draw(st.floats(min_value=answers[question_id], max_value=1))
    improved = {**answers, question_id: better}
    before, after = satisfaction_index(tree, answers), satisfaction_index(tree, improved)
    assert (before is None) == (after is None)
    assert before is None or after >= before


@given(scored_responses(), st.data())
def test_an_unanswered_leaf_counts_as_if_it_were_not_in_the_tree(response, data):
    tree, answers = response
    leaves = [node for node in walk(tree) if not node.children]
    leaf = data.draw(st.sampled_from(leaves))
    unanswered = {**answers, **dict.fromkeys(leaf.question_ids)}
    assert satisfaction_index(tree, unanswered) == satisfaction_index(without(tree, leaf.id), unanswered)


@given(scored_responses(), st.data())
def test_an_unanswered_question_counts_as_if_it_were_not_asked(response, data):
    tree, answers = response
    leaves = [node for node in walk(tree) if node.question_ids]
    if not leaves:
        return
    leaf = data.draw(st.sampled_from(leaves))
    question_id = data.draw(st.sampled_from(leaf.question_ids))
    unanswered = {**answers, question_id: None}
    assert satisfaction_index(tree, unanswered) == satisfaction_index(without_question(tree, question_id), unanswered)


@given(st.lists(st.floats(min_value=0, max_value=1), min_size=1, max_size=6), weights.filter(lambda w: w > 0))
def test_a_single_leaf_scores_the_mean_of_its_answers(values, weight):
    leaf = FactorNode(id=1, weight=weight, question_ids=tuple(range(1, len(values) + 1)))
    answers = dict(zip(leaf.question_ids, values, strict=True))
    assert float(satisfaction_index((leaf,), answers)) == pytest.approx(100 * sum(values) / len(values), abs=0.005)


def walk(nodes):
    for node in nodes:
        yield node
        yield from walk(node.children)


def without(nodes, factor_id):
    return tuple(
        FactorNode(
            id=node.id,
            weight=node.weight,
            children=without(node.children, factor_id),
            question_ids=node.question_ids,
            is_retired=node.is_retired,
        )
        for node in nodes
        if node.id != factor_id
    )


def without_question(nodes, question_id):
    return tuple(
        FactorNode(
            id=node.id,
            weight=node.weight,
            children=without_question(node.children, question_id),
            question_ids=tuple(q for q in node.question_ids if q != question_id),
            is_retired=node.is_retired,
        )
        for node in nodes
    )
