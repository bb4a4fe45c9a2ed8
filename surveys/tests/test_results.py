"""The results of a questionnaire: exact figures for a known set of responses, the period, cross-tabs, the page."""

import datetime
import xml.etree.ElementTree as ET
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone

from cxcenter.models import Customer, Role
from cxcenter.tests.factories import CustomerFactory
from surveys import charts
from surveys.models import Invitation, Question, Response
from surveys.selectors.results import (
    DistributionRow,
    NetPromoterScore,
    free_text_answers,
    questionnaire_results,
)
from surveys.services import open_surveys
from surveys.tests.factories import (
    IndexFactorFactory,
    IndexSystemFactory,
    InvitationBatchFactory,
    InvitationFactory,
)
from surveys.tests.response_builders import (
    answer_invitation,
    answer_open_survey,
    good_answers,
    question,
    survey_questionnaire,
)

pytestmark = pytest.mark.django_db

SVG = "{http://www.w3.org/2000/svg}"


def results_url(questionnaire, **params):
    url = reverse("surveys:questionnaire-results", args=[questionnaire.pk])
    return url + ("?" + "&".join(f"{name}={value}" for name, value in params.items()) if params else "")


def with_factor_tree(questionnaire):
    """Experience (100%) = Product (60%: the rating) + Advocacy (40%: the recommend score)."""
    system = IndexSystemFactory(name="Satisfaction")
    experience = IndexFactorFactory(system=system, name="Experience", weight=100, position=0)
    product = IndexFactorFactory(system=system, parent=experience, name="Product", weight=60, position=0)
    advocacy = IndexFactorFactory(system=system, parent=experience, name="Advocacy", weight=40, position=1)
    Question.objects.filter(pk=question(questionnaire, "Overall").pk).update(factor=product)
    Question.objects.filter(pk=question(questionnaire, "Recommend").pk).update(factor=advocacy)
    return experience, product, advocacy


def choice_id(questionnaire, text, label):
    return str(question(questionnaire, text).choices.get(label=label).pk)


@pytest.fixture
def questionnaire():
    questionnaire = survey_questionnaire()
    with_factor_tree(questionnaire)
    return questionnaire


@pytest.fixture
def known_responses(questionnaire):
    """Four invitations, three answered: a key and an ordinary energy customer, an ordinary retail one."""
    batch = InvitationBatchFactory(questionnaire=questionnaire)

    def invite(tier, industry):
        return InvitationFactory(batch=batch, customer=CustomerFactory(tier=tier, industry=industry))

    first = invite(Customer.Tier.KEY, "Energy")
    second = invite(Customer.Tier.ORDINARY, "Energy")
    third = invite(Customer.Tier.ORDINARY, "Retail")
    invite(Customer.Tier.KEY, "Retail")
    red, blue = (choice_id(questionnaire, "Colour", label) for label in ("Red", "Blue"))
    store, online = (choice_id(questionnaire, "Channels", label) for label in ("Store", "Online"))
    answer_invitation(
        first,
        good_answers(
            questionnaire, Overall="1", Colour=red, Channels=[store, online], Recommend="10", Comments="Works well."
        ),
    )
    answer_invitation(
        second,
        good_answers(
            questionnaire,
            Overall="2",
            Colour=blue,
            Channels=[store],
            **{"Units bought": "5"},
            Recommend="8",
            Comments="Too loud at night.",
        ),
    )
    answer_invitation(
        third,
        good_answers(
            questionnaire,
            Overall="5",
            Colour=red,
            Channels=[],
            **{"Units bought": ""},
            Recommend="3",
            Price="below_300",
            Comments="",
        ),
    )
    return Response.objects.filter(questionnaire=questionnaire)


def by_text(results):
    return {result.question.text: result for result in results.questions}


def test_headline_figures_of_a_known_set_of_responses(questionnaire, known_responses):
    results = questionnaire_results(questionnaire)
    assert (results.invited, results.answered) == (4, 3)
    assert results.response_rate == Decimal("75.0")
    # Indexes 100.00, 77.00 (0.75 × 60% + 0.8 × 40%) and 12.00 (0 × 60% + 0.3 × 40%).
    assert sorted(known_responses.values_list("satisfaction_index", flat=True)) == [12, 77, 100]
    assert results.satisfaction_index == Decimal("63.00")


def test_each_kind_of_question_has_its_statistics(questionnaire, known_responses):
    questions = by_text(questionnaire_results(questionnaire))
    third = Decimal("33.3")
    overall = questions["Overall"]
    assert overall.answered == 3
    assert overall.distribution == [
        DistributionRow("Good", 1, third),
        DistributionRow("Fairly good", 1, third),
        DistributionRow("Average", 0, Decimal("0.0")),
        DistributionRow("Fairly poor", 0, Decimal("0.0")),
        DistributionRow("Poor", 1, third),
    ]
    assert overall.mean == Decimal("2.67")
    assert questions["Colour"].distribution == [
        DistributionRow("Red", 2, Decimal("66.7")),
        DistributionRow("Blue", 1, third),
    ]
    # Shares of a multiple choice question are of its two respondents.
    channels = questions["Channels"]
    assert channels.answered == 2
    assert channels.distribution == [
        DistributionRow("Store", 2, Decimal("100.0")),
        DistributionRow("Online", 1, Decimal("50.0")),
    ]
    units = questions["Units bought"]
    assert (units.answered, units.mean, units.minimum, units.maximum) == (2, Decimal("4.00"), 3, 5)
    recommend = questions["Recommend"]
    assert recommend.mean == Decimal("7.00")
    assert recommend.nps == NetPromoterScore(promoters=third, passives=third, detractors=third, score=Decimal("0.0"))
    assert [row.count for row in recommend.distribution] == [0, 0, 0, 1, 0, 0, 0, 0, 1, 0, 1]
    price = questions["Price"]
    assert [(row.count, row.percent) for row in price.distribution[:2]] == [(1, third), (2, Decimal("66.7"))]
    assert (questions["Comments"].answered, questions["Comments"].texts) == (2, 2)


def test_a_required_multiple_choice_question_counts_every_response_as_its_respondent(questionnaire):
    Question.objects.filter(pk=question(questionnaire, "Channels").pk).update(is_required=True)
    batch = InvitationBatchFactory(questionnaire=questionnaire)
    store = choice_id(questionnaire, "Channels", "Store")
    for channels in ([store], [store, choice_id(questionnaire, "Channels", "Online")]):
        answer_invitation(InvitationFactory(batch=batch), good_answers(questionnaire, Channels=channels))
    channels = by_text(questionnaire_results(questionnaire))["Channels"]
    assert channels.answered == 2
    assert [(row.count, row.percent) for row in channels.distribution] == [(2, Decimal("100.0")), (1, Decimal("50.0"))]


def test_factor_breakdown_scores_each_level_by_the_scoring_rules(questionnaire, known_responses):
    breakdown = questionnaire_results(questionnaire).factor_breakdown
    assert [(row.factor.name, row.level, row.weight, row.score) for row in breakdown] == [
        ("Experience", 1, Decimal("100.00"), Decimal("63.00")),
        ("Product", 2, Decimal("60.00"), Decimal("58.33")),
        ("Advocacy", 2, Decimal("40.00"), Decimal("70.00")),
    ]


def figures(rows):
    return [(row.label, row.invited, row.responses, row.response_rate, row.satisfaction_index) for row in rows]


def test_crosstabs_by_tier_and_industry(questionnaire, known_responses):
    crosstabs = questionnaire_results(questionnaire).crosstabs
    assert figures(crosstabs.by_tier) == [
        ("Key customer", 2, 1, Decimal("50.0"), Decimal("100.00")),
        ("Ordinary customer", 2, 2, Decimal("100.0"), Decimal("44.50")),
    ]
    assert figures(crosstabs.by_industry) == [
        ("Energy", 2, 2, Decimal("100.0"), Decimal("88.50")),
        ("Retail", 2, 1, Decimal("50.0"), Decimal("12.00")),
    ]


def test_nothing_invited_and_nobody_answered_gives_no_figures(questionnaire):
    results = questionnaire_results(questionnaire)
    assert (results.invited, results.answered, results.response_rate, results.satisfaction_index) == (0, 0, None, None)
    assert all(row.score is None for row in results.factor_breakdown)
    overall = by_text(results)["Overall"]
    assert overall.answered == 0 and overall.mean is None and overall.chart_svg == ""
    assert {row.percent for row in overall.distribution} == {None}
    assert by_text(results)["Recommend"].nps is None
    assert not results.crosstabs


def test_the_page_shows_dashes_without_invitations_or_responses(as_user, director, questionnaire):
    page = as_user(director).get(results_url(questionnaire))
    assert page.status_code == 200
    content = page.content.decode()
    for test_id in ("response-rate", "satisfaction-index"):
        assert f'data-testid="{test_id}">—<' in content
    assert "No answer yet." in content


def test_open_survey_responses_count_but_not_in_the_response_rate(questionnaire, known_responses, director):
    open_survey = open_surveys.create_open_survey(questionnaire_id=questionnaire.pk, title="Shanghai", actor=director)
    answer_open_survey(open_survey, "browser-1")
    results = questionnaire_results(questionnaire)
    assert (results.invited, results.answered, results.response_rate) == (4, 4, Decimal("75.0"))
    # The cross-tabs are of invited customers: the visitor is in no tier.
    assert sum(row.responses for row in results.crosstabs.by_tier) == 3


def test_anonymous_questionnaires_have_no_crosstabs(as_user, director):
    questionnaire = survey_questionnaire(is_anonymous=True)
    answer_invitation(InvitationFactory(batch__questionnaire=questionnaire))
    results = questionnaire_results(questionnaire)
    assert results.answered == 1 and results.response_rate == Decimal("100.0")
    assert not results.crosstabs
    content = as_user(director).get(results_url(questionnaire)).content.decode()
    assert 'id="crosstabs"' not in content and "By industry" not in content


def test_the_period_bounds_responses_answers_and_comments(questionnaire, known_responses):
    january = timezone.make_aware(datetime.datetime(2026, 1, 31, 23, 30))
    latest = known_responses.get(text_answers__text="Too loud at night.")
    Response.objects.filter(pk=latest.pk).update(submitted_at=january)
    Invitation.objects.filter(response=latest).update(answered_at=january)
    february = datetime.date(2026, 2, 1)
    before = questionnaire_results(questionnaire, date_to=datetime.date(2026, 1, 31))
    assert (before.answered, before.satisfaction_index) == (1, Decimal("77.00"))
    assert [row.count for row in by_text(before)["Overall"].distribution] == [0, 1, 0, 0, 0]
    after = questionnaire_results(questionnaire, date_from=february)
    assert (after.answered, after.response_rate) == (2, Decimal("50.0"))
    assert by_text(after)["Comments"].texts == 1
    assert [a.text for a in free_text_answers(questionnaire, date_from=february)] == ["Works well."]


def test_free_text_search_and_question_filter(as_user, director, questionnaire, known_responses):
    assert [answer.text for answer in free_text_answers(questionnaire, search="LOUD")] == ["Too loud at night."]
    assert free_text_answers(questionnaire, question_id=question(questionnaire, "Overall").pk).count() == 0
    comments = question(questionnaire, "Comments")
    page = as_user(director).get(results_url(questionnaire, q="loud", question=comments.pk))
    content = page.content.decode()
    assert "Too loud at night." in content and "Works well." not in content
    assert page.context["page"].paginator.count == 1


def test_a_bad_filter_is_ignored_with_its_error(as_user, director, questionnaire, known_responses):
    page = as_user(director).get(results_url(questionnaire, date_from="2026-03-01", date_to="2026-02-01"))
    assert page.status_code == 200
    assert "The end of the period comes before its start." in page.content.decode()
    assert page.context["results"].date_to is None


def test_the_page_shows_figures_charts_and_crosstabs(as_user, director, questionnaire, known_responses):
    page = as_user(director).get(results_url(questionnaire))
    content = page.content.decode()
    assert 'data-testid="response-rate">75.0%<' in content
    assert 'data-testid="satisfaction-index">63.00<' in content
    assert content.count("<svg") >= 6  # the factors and each option question
    assert "Key customer" in content and "Energy" in content
    assert "<script" not in content.split("<svg", 1)[1].split("</main>")[0]


@pytest.mark.parametrize("role", [Role.SPECIALIST, Role.SUPERVISOR, Role.GENERAL_MANAGER, Role.COMMITTEE])
def test_survey_readers_see_the_results(as_user, persona, questionnaire, role):
    assert as_user(persona("reader", role)).get(results_url(questionnaire)).status_code == 200


@pytest.mark.parametrize("role", [Role.ACCOUNT_MANAGER, Role.OPS_SUPERVISOR, Role.SERVICE_SPECIALIST])
def test_other_roles_are_refused(as_user, persona, questionnaire, role):
    assert as_user(persona("outsider", role)).get(results_url(questionnaire)).status_code == 403


def test_the_links_lead_to_the_results(as_user, director, questionnaire):
    client = as_user(director)
    url = results_url(questionnaire)
    assert url in client.get(reverse("surveys:questionnaire-detail", args=[questionnaire.pk])).content.decode()
    assert url in client.get(reverse("surveys:response-list", args=[questionnaire.pk])).content.decode()


def responses_for(questionnaire, count: int):
    batch = InvitationBatchFactory(questionnaire=questionnaire)
    for number in range(count):
        customer = CustomerFactory(tier=Customer.Tier.values[number % 3], industry=f"Industry {number % 4}")
        answer_invitation(InvitationFactory(batch=batch, customer=customer))


def test_the_query_count_does_not_grow_with_responses(as_user, director, questionnaire, django_assert_max_num_queries):
    client = as_user(director)
    responses_for(questionnaire, 1)
    with django_assert_max_num_queries(19) as one:
        assert client.get(results_url(questionnaire)).status_code == 200
    responses_for(questionnaire, 29)
    with django_assert_max_num_queries(19) as thirty:
        page = client.get(results_url(questionnaire))
    assert page.context["results"].answered == 30
    assert len(thirty.captured_queries) == len(one.captured_queries)


# The chart renderer


def test_a_chart_is_svg_with_its_labels_escaped_and_no_script():
    label = '<script>alert("x")</script> & 好'
    svg = charts.horizontal_bar_chart("满意度 <b>", ["好", "良好", label], [3, 1, 2])
    root = ET.fromstring(svg)  # noqa: S314 - markup the product itself made
    assert root.tag == f"{SVG}svg"
    texts = {element.text for element in root.iter() if element.text}
    assert {"好", "良好", label} <= texts
    assert not list(root.iter(f"{SVG}script")) and "<script" not in svg
    assert "href=" not in svg and "@import" not in svg and not svg.startswith("<?xml")
    assert "WenQuanYi Micro Hei" in svg


def test_every_chart_kind_parses_as_xml():
    for svg in (
        charts.bar_chart("", ["产品", "服务"], [58.33, 70]),
        charts.donut_chart("", ["推荐者", "中立者", "贬损者"], [50, 25, 25], colours=charts.NPS_COLOURS),
    ):
        root = ET.fromstring(svg)  # noqa: S314 - markup the product itself made
        assert "产品" in svg or "推荐者" in svg
        assert not list(root.iter(f"{SVG}script"))


def test_an_equal_chart_drawn_twice_gets_its_own_id():
    first, second = (charts.bar_chart("", ["好"], [1]) for _ in range(2))
    assert first != second and first.replace(first[first.index("chart-") :][:42], "") == second.replace(
        second[second.index("chart-") :][:42], ""
    )
