"""The results of a questionnaire (调研结果): response rate, satisfaction index, per-question statistics, cross-tabs.

Every figure is aggregated in the database, one query per group of figures whatever the number of responses
or questions: answers are counted and summed per question and value, never fetched one by one. A division by
zero (nothing invited, nobody answered) gives None, which pages print as "—".
"""

import datetime
from collections import defaultdict
from dataclasses import dataclass, field
from decimal import Decimal
from fractions import Fraction

from django import forms
from django.db import connection
from django.db.models import Avg, Count, F, Prefetch, Q, QuerySet, Sum
from django.shortcuts import get_object_or_404
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from cxcenter.figures import day_start, figure, percent, period_filter
from cxcenter.models import Customer
from cxcenter.roles import ensure_role
from surveys import charts
from surveys.answer_scales import PRICE_BANDS, RATING_SCALE
from surveys.answer_sheets import read_answer
from surveys.models import Answer, IndexFactor, Invitation, InvitationBatch, Question, Questionnaire, Response
from surveys.permissions import SURVEY_READERS
from surveys.scoring import RATING_RANKS, RECOMMEND_MAX, answer_score, factor_scores
from surveys.selectors.index import scoring_tree_for
from surveys.selectors.responses import DATE_INPUT
from surveys.sql import SHEET_ROWS

PERCENT = Decimal("0.1")
FIGURE = Decimal("0.01")
# Likelihood to recommend: 9–10 promoters, 7–8 passives, 0–6 detractors (Net Promoter Score).
PROMOTER_FROM = 9
PASSIVE_FROM = 7
# Kinds whose answer is a stored number on a fixed scale, counted per value.
SCALE_KINDS = {Question.Kind.RATING, Question.Kind.RECOMMEND, Question.Kind.PRICE_BAND}


@dataclass(frozen=True)
class DistributionRow:
    """One option of a question: how many answers chose it and their share in percent (one decimal)."""

    label: str
    count: int
    percent: Decimal | None


@dataclass(frozen=True)
class NetPromoterScore:
    """The 0–10 recommend answers split into promoters (9–10), passives (7–8) and detractors (0–6).

    Shares are percentages with one decimal; `score` is promoters minus detractors, −100 … 100.
    """

    promoters: Decimal
    passives: Decimal
    detractors: Decimal
    score: Decimal


@dataclass
class QuestionResult:
    """The statistics of one question.

    `answered` counts the responses that answered it. `distribution` lists the options (rating, choices,
    recommend, price band) in the questionnaire's order; a multiple choice question's shares are of its
    respondents, so they can add up to more than 100%. `mean`, `minimum` and `maximum` are of the values
    stored: the number typed, the 0–10 score, the rating rank (1 good … 5 poor). `nps` only for recommend
    questions, `texts` (how many free-text answers) only for text questions. `chart_svg` is inline SVG markup
    from surveys.charts, empty when there is nothing to draw.
    """

    question: Question
    number: int
    answered: int
    distribution: list[DistributionRow] = field(default_factory=list)
    mean: Decimal | None = None
    minimum: Decimal | None = None
    maximum: Decimal | None = None
    nps: NetPromoterScore | None = None
    texts: int = 0
    chart_svg: str = ""

    @property
    def kind(self) -> str:
        return self.question.kind


@dataclass(frozen=True)
class FactorResult:
    """One factor of the index system with its score 0–100 (None when none of its questions was answered).

    `weight` is its weight among its siblings in percent; `level` 1 is the top.
    """

    factor: IndexFactor
    level: int
    weight: Decimal
    score: Decimal | None


@dataclass(frozen=True)
class CrosstabRow:
    """The invitations, responses, response rate and mean satisfaction index of one tier or industry."""

    label: str
    invited: int
    responses: int
    response_rate: Decimal | None
    satisfaction_index: Decimal | None


@dataclass
class Crosstabs:
    """Results of invited customers by tier and by industry (调研报告: 按行业、按客户类别).

    Empty for anonymous questionnaires, whose responses keep no customer.
    """

    by_tier: list[CrosstabRow] = field(default_factory=list)
    by_industry: list[CrosstabRow] = field(default_factory=list)

    def __bool__(self) -> bool:
        return bool(self.by_tier or self.by_industry)


@dataclass
class QuestionnaireResults:
    """Everything the results page, the summary and the reports show of a questionnaire's responses.

    `invited` counts the invitations sent before the end of the period; `response_rate` is the share of them
    answered within the period, in percent with one decimal (None when nothing was invited). `answered`
    counts every response of the period, open-survey and paper ones included. `satisfaction_index` is the
    mean of the responses' indexes (None when no response has one).
    """

    questionnaire: Questionnaire
    invited: int
    answered: int
    response_rate: Decimal | None
    satisfaction_index: Decimal | None
    factor_breakdown: list[FactorResult] = field(default_factory=list)
    questions: list[QuestionResult] = field(default_factory=list)
    crosstabs: Crosstabs = field(default_factory=Crosstabs)
    factor_chart_svg: str = ""
    date_from: datetime.date | None = None
    date_to: datetime.date | None = None


class ResultsFilterForm(forms.Form):
    """The period of the results and the search in the free-text answers; a bad value is ignored with its error."""

    date_from = forms.DateField(label=gettext_lazy("Submitted from"), required=False, widget=DATE_INPUT)
    date_to = forms.DateField(label=gettext_lazy("Submitted until"), required=False, widget=DATE_INPUT)
    q = forms.CharField(label=gettext_lazy("Search the comments"), required=False, max_length=100)
    question = forms.TypedChoiceField(label=gettext_lazy("Comments to"), required=False, coerce=int, empty_value=None)

    def __init__(self, data=None, *, questionnaire: Questionnaire):
        super().__init__(data or None)
        # The free-text questions only: one query, whatever the number of answers.
        texts = Question.objects.filter(section__questionnaire=questionnaire, kind=Question.Kind.TEXT).order_by(
            "section__position", "section_id", "position", "pk"
        )
        self.fields["question"].choices = [("", _("All questions")), *texts.values_list("pk", "text")]

    def clean(self):
        cleaned = super().clean()
        date_from, date_to = cleaned.get("date_from"), cleaned.get("date_to")
        if date_from and date_to and date_from > date_to:
            self.add_error("date_to", _("The end of the period comes before its start."))
        return cleaned

    def filters(self) -> dict:
        """The valid filters as keyword arguments of free_text_answers (and the dates of questionnaire_results)."""
        cleaned = self.cleaned_data if self.is_bound and self.is_valid() else getattr(self, "cleaned_data", {})
        return {
            "date_from": cleaned.get("date_from"),
            "date_to": cleaned.get("date_to"),
            "search": cleaned.get("q") or "",
            "question_id": cleaned.get("question"),
        }


def get_questionnaire_for_results(user, pk: int) -> Questionnaire:
    """A questionnaire with its plan, for its results page, or 404; PermissionDenied for roles that read no surveys."""
    ensure_role(user, *SURVEY_READERS)
    return get_object_or_404(Questionnaire.objects.select_related("plan"), pk=pk)


def answered_in(date_from, date_to) -> Q:
    """Invitations answered in the period (an open condition would count every invitation)."""
    return Q(answered_at__isnull=False) & period_filter("answered_at", date_from, date_to)


def period_responses(questionnaire: Questionnaire, date_from=None, date_to=None) -> QuerySet[Response]:
    """The questionnaire's responses submitted in the period (served by the (questionnaire, submitted_at) index)."""
    return Response.objects.filter(period_filter("submitted_at", date_from, date_to), questionnaire=questionnaire)


def period_invitations(questionnaire: Questionnaire, date_to=None) -> QuerySet[Invitation]:
    """The invitations to the questionnaire queued by the end of the period.

    The batches' ids are read first (one small query) and given as values: joined to the batches instead,
    PostgreSQL estimates a few thousand invitations, not a hundred thousand, and joins the customers of the
    cross-tabs row by row, five times slower.
    """
    batch_ids = list(InvitationBatch.objects.filter(questionnaire=questionnaire).values_list("pk", flat=True))
    invitations = Invitation.objects.filter(batch_id__in=batch_ids)
    if date_to:
        invitations = invitations.filter(queued_at__lt=day_start(date_to + datetime.timedelta(days=1)))
    return invitations


def questionnaire_results(
    questionnaire: Questionnaire,
    *,
    date_from: datetime.date | None = None,
    date_to: datetime.date | None = None,
    with_charts: bool = True,
) -> QuestionnaireResults:
    """The results of a questionnaire, optionally for responses submitted from `date_from` to `date_to` (days).

    Callers check the reader's role (get_questionnaire_for_results). A fixed number of queries, fourteen at
    most, whatever the number of responses and questions. `with_charts=False` leaves the charts empty
    (summaries, exports).
    """
    responses = period_responses(questionnaire, date_from, date_to)
    invitations = period_invitations(questionnaire, date_to)
    invited = invitations.aggregate(invited=Count("pk"), answered=Count("pk", filter=answered_in(date_from, date_to)))
    totals = responses.aggregate(answered=Count("pk"), index=Avg("satisfaction_index"))
    questions = question_results(questionnaire, date_from, date_to, with_charts=with_charts)
    breakdown = factor_breakdown(questionnaire, questions)
    return QuestionnaireResults(
        questionnaire=questionnaire,
        invited=invited["invited"],
        answered=totals["answered"],
        response_rate=percent(invited["answered"], invited["invited"]),
        satisfaction_index=figure(totals["index"]),
        factor_breakdown=breakdown,
        questions=questions,
        crosstabs=Crosstabs()
        if questionnaire.is_anonymous
        else crosstabs(questionnaire, date_from, date_to, invitations=invitations),
        factor_chart_svg=factor_chart(breakdown) if with_charts else "",
        date_from=date_from,
        date_to=date_to,
    )


def questionnaire_questions(questionnaire: Questionnaire) -> list[Question]:
    """The questions in the customer's order with their choices, in two queries."""
    return list(
        Question.objects.filter(section__questionnaire=questionnaire)
        .prefetch_related("choices")
        .order_by("section__position", "section_id", "position", "pk")
    )


def period_answers(date_from, date_to, **lookups) -> QuerySet[Answer]:
    """Free-text answers matching `lookups` given in the period. Without a period no join to the responses."""
    answers = Answer.objects.filter(**lookups)
    if date_from or date_to:
        answers = answers.filter(period_filter("response__submitted_at", date_from, date_to))
    return answers.order_by()


def answer_sheet_counts(responses: QuerySet[Response]) -> list[tuple[str, str, int]]:
    """How many of `responses` gave each answer to each question: (question id, answer, count), both as text
    (surveys.answer_sheets), read from their answer sheets in one pass."""
    selected, params = responses.order_by().values("pk", "answers").query.sql_with_params()
    sheets = f"({selected}) AS response, {SHEET_ROWS}"
    # The responses' own SQL and a constant: every value is a parameter.
    sql = f"SELECT item.key, item.value, COUNT(*) FROM {sheets} GROUP BY 1, 2"  # noqa: S608
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return cursor.fetchall()


def question_results(questionnaire, date_from=None, date_to=None, *, with_charts=True) -> list[QuestionResult]:
    """Per-question statistics in four queries, whatever the number of questions and answers: the questions,
    their choices, the answers of the responses in the period counted per question and answer (from their
    answer sheets, through the (questionnaire, submitted_at) index), and the free-text answers counted.
    """
    questions = questionnaire_questions(questionnaire)
    kinds = {question.pk: question.kind for question in questions}
    counts: dict[int, dict] = defaultdict(dict)  # per question: how many gave each value or chose each option
    sums: dict[int, dict] = {}  # per number, text and multiple choice question: answered, total, lowest, highest
    for key, value, count in answer_sheet_counts(period_responses(questionnaire, date_from, date_to)):
        question_id = int(key)
        kind = kinds.get(question_id)
        if kind is None:
            continue
        answer = read_answer(value)
        tally = counts[question_id]
        if kind in Question.CHOICE_KINDS:
            for choice_id in answer:
                tally[choice_id] = tally.get(choice_id, 0) + count
            # A multiple choice answer names several options: its respondents are counted apart.
            respondents = sums.setdefault(question_id, {"count": 0})
            respondents["count"] += count
        elif kind == Question.Kind.NUMBER:
            figures = sums.setdefault(question_id, {"count": 0, "total": 0, "minimum": answer, "maximum": answer})
            figures["count"] += count
            figures["total"] += answer * count
            figures["minimum"], figures["maximum"] = min(figures["minimum"], answer), max(figures["maximum"], answer)
        else:
            tally[answer] = tally.get(answer, 0) + count
    texts = [pk for pk, kind in kinds.items() if kind == Question.Kind.TEXT]
    if texts:
        rows = period_answers(date_from, date_to, question_id__in=texts).values("question_id")
        sums.update({row["question_id"]: row for row in rows.annotate(count=Count("*"))})
    results = []
    for number, question in enumerate(questions, start=1):
        result = question_result(question, number, counts.get(question.pk, {}), sums.get(question.pk))
        if with_charts:
            result.chart_svg = question_chart(result)
        results.append(result)
    return results


def scale_labels(kind: str) -> list[tuple[Decimal, str]]:
    """The stored numbers of a fixed scale and their labels in the active language."""
    if kind == Question.Kind.RATING:
        return [(Decimal(value), str(label)) for value, label in RATING_SCALE]
    if kind == Question.Kind.PRICE_BAND:
        return [(Decimal(position), str(label)) for position, (_value, label) in enumerate(PRICE_BANDS, start=1)]
    return [(Decimal(points), str(points)) for points in range(RECOMMEND_MAX + 1)]


def question_result(question: Question, number: int, counts: dict, sums: dict | None) -> QuestionResult:
    kind = question.kind
    if kind in (Question.Kind.NUMBER, Question.Kind.TEXT):
        # One answer per response and question: the parser keeps one value and drops blank ones.
        sums = sums or {}
        answered = sums.get("count", 0)
        result = QuestionResult(question, number, answered)
        if kind == Question.Kind.NUMBER and answered:
            result.mean = figure(sums["total"] / answered)
            result.minimum = sums["minimum"]
            result.maximum = sums["maximum"]
        elif kind == Question.Kind.TEXT:
            result.texts = answered
        return result
    if kind in Question.CHOICE_KINDS:
        options = [(choice.pk, choice.label) for choice in question.choices.all()]
    else:
        options = scale_labels(kind)
    if kind == Question.Kind.MULTIPLE:
        answered = (sums or {}).get("count", 0)
    else:
        # Values off the scale (typed in by hand before a check existed) are not counted.
        answered = sum(counts.get(value, 0) for value, _label in options)
    result = QuestionResult(question, number, answered)
    result.distribution = [
        DistributionRow(label, counts.get(value, 0), percent(counts.get(value, 0), answered))
        for value, label in options
    ]
    if kind in (Question.Kind.RATING, Question.Kind.RECOMMEND) and answered:
        total = sum(value * counts.get(value, 0) for value, _label in options)
        result.mean = figure(total / answered)
        given = [value for value, _label in options if counts.get(value)]
        result.minimum, result.maximum = min(given), max(given)
    if kind == Question.Kind.RECOMMEND:
        result.nps = net_promoter_score(counts, answered)
    return result


def net_promoter_score(counts: dict, answered: int) -> NetPromoterScore | None:
    """Promoters (9–10), passives (7–8) and detractors (0–6) from the counts per score; None without answers."""
    if not answered:
        return None

    def share(low: int, high: int) -> Decimal:
        return percent(sum(counts.get(Decimal(points), 0) for points in range(low, high + 1)), answered)

    promoters = share(PROMOTER_FROM, RECOMMEND_MAX)
    detractors = share(0, PASSIVE_FROM - 1)
    score = sum(counts.get(Decimal(p), 0) for p in range(PROMOTER_FROM, RECOMMEND_MAX + 1)) - sum(
        counts.get(Decimal(p), 0) for p in range(PASSIVE_FROM)
    )
    return NetPromoterScore(
        promoters=promoters,
        passives=share(PASSIVE_FROM, PROMOTER_FROM - 1),
        detractors=detractors,
        score=percent(score, answered),
    )


def question_chart(result: QuestionResult) -> str:
    """The chart of one question: a donut of the NPS groups, bars of the options; nothing for numbers and texts."""
    if not result.answered or not result.distribution:
        return ""
    if result.nps is not None:
        nps = result.nps
        return charts.donut_chart(
            "",
            [_("Promoters (9–10)"), _("Passives (7–8)"), _("Detractors (0–6)")],
            [nps.promoters, nps.passives, nps.detractors],
            colours=charts.NPS_COLOURS,
        )
    return charts.horizontal_bar_chart(
        "", [row.label for row in result.distribution], [row.count for row in result.distribution]
    )


def factor_chart(breakdown: list[FactorResult]) -> str:
    """Bars of the top-level factors' scores (0–100); nothing when none has a score."""
    top = [row for row in breakdown if row.level == 1 and row.score is not None]
    if not top:
        return ""
    return charts.bar_chart("", [row.factor.name for row in top], [row.score for row in top])


def question_scores(questions: list[QuestionResult]) -> dict[int, Fraction]:
    """Each scored question's mean answer score on 0–1 (surveys.scoring.answer_score), from its counts."""
    scores = {}
    for result in questions:
        kind = result.question.kind
        if kind not in Question.SCORED_KINDS or not result.answered:
            continue
        values = range(1, RATING_RANKS + 1) if kind == Question.Kind.RATING else range(RECOMMEND_MAX + 1)
        # answer_score gives binary floats (0.3 for 3 of 10); scores are quarters or tenths, so exact again.
        total = sum(
            Fraction(answer_score(kind, value)).limit_denominator(RECOMMEND_MAX * RATING_RANKS) * row.count
            for value, row in zip(values, result.distribution, strict=True)
        )
        scores[result.question.pk] = total / result.answered
    return scores


def factor_breakdown(questionnaire: Questionnaire, questions: list[QuestionResult]) -> list[FactorResult]:
    """The index system's active factors, tree order, each scored 0–100 the way surveys.scoring scores a response.

    The scores are those of the mean answer: each question's mean score feeds its leaf factor, and sub-factors
    roll up by weight, re-normalised over those with a score. Three queries: the tree (two), the factors (one).
    """
    tree = scoring_tree_for(questionnaire)
    if not tree:
        return []
    scores = factor_scores(tree, question_scores(questions))
    rows = IndexFactor.objects.filter(system__factors=tree[0].id, is_retired=False).order_by("level", "position", "pk")
    children: dict[int | None, list[IndexFactor]] = defaultdict(list)
    for factor in rows:
        children[factor.parent_id].append(factor)
    breakdown = []

    def walk(parent_id):
        for factor in children[parent_id]:
            breakdown.append(FactorResult(factor, factor.level, factor.weight, scores.get(factor.pk)))
            walk(factor.pk)

    walk(None)
    return breakdown


def crosstabs(questionnaire: Questionnaire, date_from=None, date_to=None, *, invitations=None) -> Crosstabs:
    """Invited customers, their responses and index by customer tier and by industry, in one query.

    The cells (tier × industry) come from the invitations joined to their customer and their response, so
    open-survey responses, which no customer made, are not in them. `invitations`: period_invitations() of
    the same period, when the caller has it.
    """
    if invitations is None:
        invitations = period_invitations(questionnaire, date_to)
    in_period = period_filter("response__submitted_at", date_from, date_to)
    rows = (
        invitations.values("customer__tier", "customer__industry")
        .annotate(
            invited=Count("pk"),
            answered=Count("pk", filter=answered_in(date_from, date_to)),
            responses=Count("response", filter=Q(response__isnull=False) & in_period),
            index_total=Sum("response__satisfaction_index", filter=in_period),
            indexed=Count("response__satisfaction_index", filter=in_period),
        )
        .order_by()
    )
    cells = {
        (row["customer__tier"], row["customer__industry"]): {
            "invited": row["invited"],
            "answered": row["answered"],
            "responses": row["responses"],
            "indexed": row["indexed"],
            "index_total": row["index_total"] or Decimal(0),
        }
        for row in rows
    }
    tier_labels = {value: str(label) for value, label in Customer.Tier.choices}
    by_tier = fold(cells, 0, lambda tier: tier_labels.get(tier, tier))
    order = {label: position for position, label in enumerate(tier_labels.values())}
    by_tier.sort(key=lambda row: order.get(row.label, len(order)))
    by_industry = fold(cells, 1, lambda industry: industry or _("Industry not given"))
    by_industry.sort(key=lambda row: (-row.responses, row.label))
    return Crosstabs(by_tier=by_tier, by_industry=by_industry)


def fold(cells: dict[tuple, dict], axis: int, label) -> list[CrosstabRow]:
    """The tier × industry cells added up along one axis, as rows."""
    groups: dict = defaultdict(lambda: defaultdict(lambda: 0))
    for key, cell in cells.items():
        group = groups[label(key[axis])]
        for name, value in cell.items():
            group[name] += value
    return [
        CrosstabRow(
            label=str(name),
            invited=group["invited"],
            responses=group["responses"],
            response_rate=percent(group["answered"], group["invited"]),
            satisfaction_index=figure(group["index_total"] / group["indexed"]) if group["indexed"] else None,
        )
        for name, group in groups.items()
    ]


def free_text_answers(
    questionnaire: Questionnaire,
    *,
    search: str = "",
    question_id: int | None = None,
    date_from: datetime.date | None = None,
    date_to: datetime.date | None = None,
) -> QuerySet[Answer]:
    """The free-text answers of a questionnaire, newest first, with their question and response, for a paged list.

    `search` matches the text (case-insensitive); `question_id` keeps one question's answers; the dates bound
    the responses' submission as on the rest of the page. Answers are stored with their response, so the
    newest have the highest ids. Blank answers are never stored (surveys.answers).
    """
    texts = Question.objects.filter(section__questionnaire=questionnaire, kind=Question.Kind.TEXT).values("pk")
    answers = period_answers(date_from, date_to, question_id__in=texts)
    if question_id:
        answers = answers.filter(question_id=question_id)
    search = search.strip()
    if search:
        answers = answers.filter(text__icontains=search)
    # Ordered by an expression on purpose: by the bare id, PostgreSQL walks the primary key backwards through
    # every newer answer of every questionnaire until it finds 25 of these (seconds for an older
    # questionnaire); this way it takes these answers from the question index and keeps the top 25.
    # The responses come in one more query, for the page's answers only, not joined to all of them.
    return (
        answers.select_related("question")
        .prefetch_related(Prefetch("response", queryset=Response.objects.only("pk", "submitted_at")))
        .order_by((F("pk") + 0).desc())
    )
