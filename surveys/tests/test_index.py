"""The satisfaction index system (客户满意度指标体系): tree rules, weights, retirement, pages and access."""

from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied
from django.urls import reverse
from openpyxl import load_workbook

from cxcenter.models import Role, TimelineEntry
from cxcenter.selectors import timeline_for
from surveys.models import IndexFactor, IndexSystem, Question
from surveys.selectors.index import (
    active_leaf_factors,
    factor_tree,
    scoring_tree_for,
    sibling_group,
    weight_problems,
)
from surveys.services.index import (
    FactorTreeError,
    add_factor,
    create_index_system,
    retire_factor,
    set_sibling_weights,
    update_factor,
)
from surveys.tests.factories import (
    IndexFactorFactory,
    IndexSystemFactory,
    QuestionFactory,
    QuestionnaireFactory,
    SectionFactory,
)
from surveys.urls.index import urlpatterns

pytestmark = pytest.mark.django_db


def build_chain(system, actor, depth: int) -> list[IndexFactor]:
    """One factor per level, each under the previous one."""
    chain = []
    for level in range(1, depth + 1):
        parent_id = chain[-1].pk if chain else None
        chain.append(add_factor(system_id=system.pk, parent_id=parent_id, name=f"L{level}", weight=100, actor=actor))
    return chain


@pytest.fixture
def system(supervisor):
    return create_index_system(name="产品满意度指标体系", description="实物产品", actor=supervisor)


@pytest.fixture
def product_tree(system, supervisor):
    """Appearance 40% (colour 50%, packaging 50%) and use 60%."""
    appearance = add_factor(system_id=system.pk, name="外观", weight=Decimal("40"), actor=supervisor)
    use = add_factor(system_id=system.pk, name="使用", weight=Decimal("60"), actor=supervisor)
    colour = add_factor(system_id=system.pk, parent_id=appearance.pk, name="颜色", weight=50, actor=supervisor)
    packaging = add_factor(system_id=system.pk, parent_id=appearance.pk, name="包装", weight=50, actor=supervisor)
    return {"appearance": appearance, "use": use, "colour": colour, "packaging": packaging}


# Services


def test_supervisor_builds_a_tree_four_levels_deep(system, supervisor):
    chain = build_chain(system, supervisor, 4)
    assert [factor.level for factor in chain] == [1, 2, 3, 4]
    assert [factor.parent_id for factor in chain] == [None, chain[0].pk, chain[1].pk, chain[2].pk]
    assert timeline_for(system)[0].comment == "Factor “L4” added (100.00%)."


def test_a_fifth_level_is_refused_and_nothing_is_saved(system, supervisor):
    chain = build_chain(system, supervisor, 4)
    with pytest.raises(FactorTreeError, match="deepest level"):
        add_factor(system_id=system.pk, parent_id=chain[-1].pk, name="L5", weight=100, actor=supervisor)
    assert IndexFactor.objects.count() == 4


def test_new_factors_go_last_among_their_siblings(system, product_tree):
    assert [product_tree["appearance"].position, product_tree["use"].position] == [0, 1]
    assert [product_tree["colour"].position, product_tree["packaging"].position] == [0, 1]


@pytest.mark.parametrize("weight", [Decimal("-1"), Decimal("100.01"), Decimal("12.345"), "abc"])
def test_a_weight_outside_0_to_100_or_with_three_decimals_is_refused(system, supervisor, weight):
    with pytest.raises(FactorTreeError, match="percentage from 0 to 100"):
        add_factor(system_id=system.pk, name="外观", weight=weight, actor=supervisor)
    assert not IndexFactor.objects.exists()


def test_only_the_supervisor_and_the_director_change_the_tree(system, product_tree, specialist, persona):
    general_manager = persona("gm", Role.GENERAL_MANAGER)
    for reader in (specialist, general_manager):
        with pytest.raises(PermissionDenied):
            create_index_system(name="服务满意度", actor=reader)
        with pytest.raises(PermissionDenied):
            add_factor(system_id=system.pk, name="价格", weight=10, actor=reader)
        with pytest.raises(PermissionDenied):
            update_factor(factor_id=product_tree["use"].pk, name="使用体验", actor=reader)
        with pytest.raises(PermissionDenied):
            retire_factor(factor_id=product_tree["use"].pk, actor=reader)
        with pytest.raises(PermissionDenied):
            set_sibling_weights(system_id=system.pk, parent_id=None, weights={}, actor=reader)


def test_director_changes_the_tree_too(system, product_tree, director):
    factor = update_factor(factor_id=product_tree["use"].pk, name="使用体验", position=5, actor=director)
    assert (factor.name, factor.position) == ("使用体验", 5)
    assert timeline_for(system)[0].actor == director


def test_a_system_name_is_unique(system, supervisor):
    with pytest.raises(FactorTreeError, match="already exists"):
        create_index_system(name=" 产品满意度指标体系 ", actor=supervisor)


def test_sibling_weights_are_saved_together(system, product_tree, supervisor):
    appearance, use = product_tree["appearance"], product_tree["use"]
    set_sibling_weights(
        system_id=system.pk,
        parent_id=None,
        weights={appearance.pk: Decimal("35.50"), use.pk: Decimal("64.50")},
        actor=supervisor,
    )
    appearance.refresh_from_db()
    use.refresh_from_db()
    assert (appearance.weight, use.weight) == (Decimal("35.50"), Decimal("64.50"))
    entry = timeline_for(system)[0]
    assert entry.action == TimelineEntry.Action.UPDATED
    assert "35.50%" in entry.comment


def test_sibling_weights_that_do_not_add_up_to_100_are_refused_and_nothing_is_saved(system, product_tree, supervisor):
    colour, packaging = product_tree["colour"], product_tree["packaging"]
    entries_before = len(timeline_for(system))
    with pytest.raises(FactorTreeError) as error:
        set_sibling_weights(
            system_id=system.pk,
            parent_id=product_tree["appearance"].pk,
            weights={colour.pk: Decimal("60"), packaging.pk: Decimal("30")},
            actor=supervisor,
        )
    assert error.value.message == "The weights of these factors add up to 90.00%; they must add up to 100%."
    assert set(IndexFactor.objects.filter(parent=product_tree["appearance"]).values_list("weight", flat=True)) == {
        Decimal("50.00")
    }
    assert len(timeline_for(system)) == entries_before


def test_sibling_weights_must_name_exactly_the_active_factors_of_the_group(system, product_tree, supervisor):
    with pytest.raises(FactorTreeError, match="changed in the meantime"):
        set_sibling_weights(
            system_id=system.pk,
            parent_id=None,
            weights={product_tree["appearance"].pk: Decimal("100")},
            actor=supervisor,
        )
    retire_factor(factor_id=product_tree["use"].pk, actor=supervisor)
    set_sibling_weights(
        system_id=system.pk, parent_id=None, weights={product_tree["appearance"].pk: Decimal("100")}, actor=supervisor
    )
    assert weight_problems(system) == []


def test_retiring_a_factor_retires_its_subtree_and_keeps_questions_linked(system, product_tree, supervisor):
    colour_question = QuestionFactory(factor=product_tree["colour"])
    retired = retire_factor(factor_id=product_tree["appearance"].pk, actor=supervisor)
    assert retired.is_retired and retired.retired_at is not None
    rows = {factor.name: factor for factor in IndexFactor.objects.all()}
    assert rows["外观"].is_retired and rows["颜色"].is_retired and rows["包装"].is_retired
    assert not rows["使用"].is_retired
    colour_question.refresh_from_db()
    assert colour_question.factor_id == product_tree["colour"].pk
    assert product_tree["colour"].questions.get() == colour_question
    assert timeline_for(system)[0].comment == "Factor “外观” retired."


def test_factors_retired_earlier_keep_their_retirement_date(system, product_tree, supervisor):
    first = retire_factor(factor_id=product_tree["colour"].pk, actor=supervisor)
    retire_factor(factor_id=product_tree["appearance"].pk, actor=supervisor)
    product_tree["colour"].refresh_from_db()
    assert product_tree["colour"].retired_at == first.retired_at


def test_a_retired_factor_is_neither_changed_nor_given_sub_factors(system, product_tree, supervisor):
    use = product_tree["use"]
    retire_factor(factor_id=use.pk, actor=supervisor)
    with pytest.raises(FactorTreeError, match="already retired"):
        retire_factor(factor_id=use.pk, actor=supervisor)
    with pytest.raises(FactorTreeError, match="is retired"):
        update_factor(factor_id=use.pk, name="新名称", actor=supervisor)
    with pytest.raises(FactorTreeError, match="is retired"):
        add_factor(system_id=system.pk, parent_id=use.pk, name="舒适度", weight=100, actor=supervisor)


def test_a_factor_with_questions_gets_no_sub_factors(system, product_tree, supervisor):
    QuestionFactory(factor=product_tree["use"])
    with pytest.raises(FactorTreeError, match="must stay a leaf factor"):
        add_factor(system_id=system.pk, parent_id=product_tree["use"].pk, name="舒适度", weight=100, actor=supervisor)


def test_a_factor_of_another_system_is_no_parent(system, product_tree, supervisor):
    other = create_index_system(name="服务满意度指标体系", actor=supervisor)
    with pytest.raises(IndexFactor.DoesNotExist):
        add_factor(system_id=other.pk, parent_id=product_tree["use"].pk, name="响应", weight=100, actor=supervisor)


# Selectors


def test_factor_tree_nests_factors_in_order_with_their_share_of_the_index(
    system, product_tree, supervisor, django_assert_num_queries
):
    QuestionFactory.create_batch(2, factor=product_tree["colour"])
    with django_assert_num_queries(1):
        tree = factor_tree(system)
    assert [branch.factor.name for branch in tree] == ["外观", "使用"]
    appearance = tree[0]
    assert [branch.factor.name for branch in appearance.children] == ["颜色", "包装"]
    assert appearance.share == Decimal("40.00")
    assert appearance.children[0].share == Decimal("20.00")
    assert appearance.children[0].question_count == 2
    assert not appearance.is_leaf and appearance.children[0].is_leaf


def test_factor_tree_with_questions_adds_one_query(system, product_tree, django_assert_num_queries):
    question = QuestionFactory(factor=product_tree["colour"])
    with django_assert_num_queries(2):
        tree = factor_tree(system, with_questions=True)
    assert tree[0].children[0].questions == [question]


def test_retired_factors_stay_in_the_tree_without_a_share(system, product_tree, supervisor):
    retire_factor(factor_id=product_tree["packaging"].pk, actor=supervisor)
    colour, packaging = factor_tree(system)[0].children
    assert packaging.factor.is_retired and packaging.share is None
    assert colour.share == Decimal("20.00")


def test_active_leaf_factors_are_what_questions_map_to(system, product_tree, supervisor):
    other_system = IndexSystemFactory()
    other_leaf = IndexFactorFactory(system=other_system, parent=None)
    assert set(active_leaf_factors(system)) == {product_tree["colour"], product_tree["packaging"], product_tree["use"]}
    retire_factor(factor_id=product_tree["colour"].pk, actor=supervisor)
    retire_factor(factor_id=product_tree["packaging"].pk, actor=supervisor)
    # With all its sub-factors retired, appearance is a leaf again.
    assert set(active_leaf_factors(system)) == {product_tree["appearance"], product_tree["use"]}
    assert other_leaf in active_leaf_factors()
    assert other_leaf not in active_leaf_factors(system)


def test_weight_problems_list_the_groups_that_do_not_add_up(system, product_tree, supervisor):
    assert weight_problems(system) == []
    add_factor(system_id=system.pk, parent_id=product_tree["appearance"].pk, name="标识", weight=10, actor=supervisor)
    retire_factor(factor_id=product_tree["use"].pk, actor=supervisor)
    problems = weight_problems(system)
    assert [(group.parent, group.total) for group in problems] == [
        (None, Decimal("40.00")),
        (product_tree["appearance"], Decimal("110.00")),
    ]
    assert sibling_group(system, product_tree["appearance"]).total == Decimal("110.00")


def test_scoring_tree_for_a_questionnaire(system, product_tree, supervisor, django_assert_num_queries):
    section = SectionFactory()
    colour_question = QuestionFactory(section=section, factor=product_tree["colour"])
    use_question = QuestionFactory(section=section, factor=product_tree["use"], kind=Question.Kind.RECOMMEND)
    QuestionFactory(section=section, kind=Question.Kind.TEXT)
    retire_factor(factor_id=product_tree["packaging"].pk, actor=supervisor)
    with django_assert_num_queries(2):
        roots = scoring_tree_for(section.questionnaire)
    appearance, use = roots
    assert (appearance.id, appearance.weight, use.id) == (product_tree["appearance"].pk, Decimal("40"), use.id)
    colour, packaging = appearance.children
    assert colour.question_ids == (colour_question.pk,)
    assert packaging.is_retired
    assert use.question_ids == (use_question.pk,)


def test_scoring_tree_for_a_questionnaire_without_index_questions_is_empty():
    assert scoring_tree_for(QuestionnaireFactory()) == []


# Pages


@pytest.mark.parametrize(
    ("role", "can_read", "can_edit"),
    [
        (Role.SUPERVISOR, True, True),
        (Role.DIRECTOR, True, True),
        (Role.SPECIALIST, True, False),
        (Role.GENERAL_MANAGER, True, False),
        (Role.COMMITTEE, True, False),
        (Role.ACCOUNT_MANAGER, False, False),
        (Role.OPS_SUPERVISOR, False, False),
    ],
)
def test_pages_are_read_by_survey_readers_and_changed_by_plan_authors(
    as_user, persona, system, product_tree, role, can_read, can_edit
):
    client = as_user(persona("someone", role))
    use = product_tree["use"]
    read_urls = [reverse("surveys:index-system-list"), reverse("surveys:index-system-detail", args=[system.pk])]
    edit_urls = [
        reverse("surveys:index-system-create"),
        reverse("surveys:index-system-edit", args=[system.pk]),
        reverse("surveys:index-factor-create", args=[system.pk]),
        reverse("surveys:index-weights-edit", args=[system.pk]),
        reverse("surveys:index-factor-create-child", args=[use.pk]),
        reverse("surveys:index-factor-edit", args=[use.pk]),
        reverse("surveys:index-factor-weights-edit", args=[product_tree["appearance"].pk]),
        reverse("surveys:index-factor-retire", args=[use.pk]),
    ]
    for url in read_urls:
        assert client.get(url).status_code == (200 if can_read else 403), url
    for url in edit_urls:
        assert client.get(url).status_code == (200 if can_edit else 403), url
    response = client.post(reverse("surveys:index-factor-retire", args=[use.pk]))
    assert response.status_code == (302 if can_edit else 403)
    use.refresh_from_db()
    assert use.is_retired == can_edit


def test_every_index_view_requires_a_role():
    assert urlpatterns
    unchecked = [pattern.name for pattern in urlpatterns if not getattr(pattern.callback, "required_roles", None)]
    assert unchecked == []


def test_anonymous_visitors_are_sent_to_the_login_page(client, system, product_tree):
    urls = [reverse("surveys:index-system-list"), reverse("surveys:index-system-detail", args=[system.pk])]
    urls.append(reverse("surveys:index-factor-retire", args=[product_tree["use"].pk]))
    for url in urls:
        response = client.get(url)
        assert response.status_code == 302 and response["Location"].startswith(reverse("login")), url


def test_supervisor_creates_a_system_and_its_factors_from_the_pages(as_user, supervisor):
    client = as_user(supervisor)
    response = client.post(reverse("surveys:index-system-create"), {"name": "服务满意度指标体系", "description": ""})
    system = IndexSystem.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("surveys:index-system-detail", args=[system.pk])
    response = client.post(
        reverse("surveys:index-factor-create", args=[system.pk]), {"name": "响应速度", "weight": "100"}
    )
    assert response.status_code == 302
    factor = IndexFactor.objects.get()
    response = client.post(
        reverse("surveys:index-factor-create-child", args=[factor.pk]), {"name": "电话接通", "weight": "100"}
    )
    assert response.status_code == 302
    page = client.get(reverse("surveys:index-system-detail", args=[system.pk]), follow=True)
    content = page.content.decode()
    assert "响应速度" in content and "电话接通" in content
    assert "L2" in content


def test_a_taken_system_name_is_shown_on_the_form(as_user, supervisor, system):
    response = as_user(supervisor).post(reverse("surveys:index-system-create"), {"name": system.name})
    assert response.status_code == 200
    assert "already exists" in response.content.decode()


def test_the_weights_form_refuses_a_group_that_does_not_add_up(as_user, supervisor, system, product_tree):
    colour, packaging = product_tree["colour"], product_tree["packaging"]
    url = reverse("surveys:index-factor-weights-edit", args=[product_tree["appearance"].pk])
    response = as_user(supervisor).post(url, {f"weight_{colour.pk}": "60", f"weight_{packaging.pk}": "30"})
    assert response.status_code == 200
    content = response.content.decode()
    assert "The weights of these factors add up to 90.00%; they must add up to 100%." in content
    assert "90.00%" in content
    colour.refresh_from_db()
    assert colour.weight == Decimal("50.00")


def test_the_weights_form_saves_a_group_that_adds_up(as_user, supervisor, system, product_tree):
    colour, packaging = product_tree["colour"], product_tree["packaging"]
    url = reverse("surveys:index-factor-weights-edit", args=[product_tree["appearance"].pk])
    response = as_user(supervisor).post(url, {f"weight_{colour.pk}": "70", f"weight_{packaging.pk}": "30"})
    assert response.status_code == 302
    colour.refresh_from_db()
    assert colour.weight == Decimal("70.00")


def test_the_weights_form_shows_the_running_total(as_user, supervisor, system, product_tree):
    appearance, use = product_tree["appearance"], product_tree["use"]
    response = as_user(supervisor).get(
        reverse("surveys:index-weights-edit", args=[system.pk]),
        {f"weight_{appearance.pk}": "45", f"weight_{use.pk}": "50"},
        HTTP_HX_REQUEST="true",
    )
    content = response.content.decode()
    assert 'id="weights-total"' in content and "95.00%" in content and "<html" not in content


def test_a_fifth_level_is_refused_from_the_page(as_user, supervisor, system):
    chain = build_chain(system, supervisor, 4)
    response = as_user(supervisor).post(
        reverse("surveys:index-factor-create-child", args=[chain[-1].pk]), {"name": "L5", "weight": "100"}
    )
    assert response.status_code == 200
    assert "the deepest level of the index" in response.content.decode()
    assert IndexFactor.objects.count() == 4


def test_retiring_asks_for_confirmation_then_greys_the_factor(as_user, supervisor, system, product_tree):
    client = as_user(supervisor)
    url = reverse("surveys:index-factor-retire", args=[product_tree["appearance"].pk])
    confirmation = client.get(url).content.decode()
    assert "颜色" in confirmation and "包装" in confirmation
    product_tree["appearance"].refresh_from_db()
    assert not product_tree["appearance"].is_retired
    response = client.post(url, follow=True)
    content = response.content.decode()
    assert "retired" in content.lower()
    assert "Retired on" in content
    assert "The weights of the top-level factors add up to 60.00%." in content


def test_retiring_twice_is_a_message_not_an_error(as_user, supervisor, system, product_tree):
    client = as_user(supervisor)
    url = reverse("surveys:index-factor-retire", args=[product_tree["use"].pk])
    client.post(url)
    response = client.post(url, follow=True)
    assert response.status_code == 200
    assert "already retired" in response.content.decode()


def test_the_tree_page_shows_weights_shares_and_mapped_questions(as_user, specialist, system, product_tree):
    QuestionFactory(factor=product_tree["colour"], text="您对产品颜色满意吗？")
    content = as_user(specialist).get(reverse("surveys:index-system-detail", args=[system.pk])).content.decode()
    assert "40.00%" in content and "(20.00% of the index)" in content
    assert "1 question" in content and "您对产品颜色满意吗？" in content
    assert reverse("surveys:index-factor-retire", args=[product_tree["use"].pk]) not in content


@pytest.mark.parametrize("count", [1, 30])
def test_tree_page_query_count_does_not_grow_with_factors(as_user, supervisor, count, django_assert_max_num_queries):
    system = IndexSystemFactory()
    parents = IndexFactorFactory.create_batch(max(1, count // 3), system=system, parent=None)
    for index in range(count - len(parents)):
        child = IndexFactorFactory(system=system, parent=parents[index % len(parents)])
        QuestionFactory(factor=child)
    client = as_user(supervisor)
    with django_assert_max_num_queries(10):
        assert client.get(reverse("surveys:index-system-detail", args=[system.pk])).status_code == 200


@pytest.mark.parametrize("count", [1, 30])
def test_list_page_query_count_does_not_grow_with_systems(as_user, director, count, django_assert_max_num_queries):
    for system in IndexSystemFactory.create_batch(count):
        IndexFactorFactory(system=system, parent=None)
    client = as_user(director)
    with django_assert_max_num_queries(8):
        response = client.get(reverse("surveys:index-system-list"))
    assert response.status_code == 200
    assert len(response.context["systems"]) == count


def read_workbook(response, tmp_path):
    path = tmp_path / "export.xlsx"
    path.write_bytes(response.content)
    return list(load_workbook(path).active.iter_rows(values_only=True))


def test_the_tree_exports_to_excel_one_column_per_level(
    as_user, supervisor, specialist, system, product_tree, tmp_path
):
    retire_factor(factor_id=product_tree["packaging"].pk, actor=supervisor)
    QuestionFactory(factor=product_tree["colour"])
    response = as_user(specialist).get(reverse("surveys:index-system-detail", args=[system.pk]), {"export": "xlsx"})
    rows = read_workbook(response, tmp_path)
    assert rows[0][:6] == ("Level 1", "Level 2", "Level 3", "Level 4", "Weight (%)", "Share of the index (%)")
    assert [row[:7] for row in rows[1:]] == [
        ("外观", None, None, None, 40, 40, 0),
        (None, "颜色", None, None, 50, 20, 1),
        (None, "包装", None, None, 50, None, 0),
        ("使用", None, None, None, 60, 60, 0),
    ]
    assert rows[3][7] is not None and rows[2][7] is None


def test_the_list_of_systems_exports_to_excel(as_user, specialist, system, product_tree, tmp_path):
    response = as_user(specialist).get(reverse("surveys:index-system-list"), {"export": "xlsx"})
    rows = read_workbook(response, tmp_path)
    assert rows[0][:4] == ("Name", "Description", "Active factors", "Mapped questions")
    assert rows[1][:4] == ("产品满意度指标体系", "实物产品", 4, 0)


@pytest.mark.parametrize("count", [1, 30])
def test_tree_export_query_count_does_not_grow_with_factors(as_user, director, count, django_assert_max_num_queries):
    system = IndexSystemFactory()
    IndexFactorFactory.create_batch(count, system=system, parent=None)
    client = as_user(director)
    with django_assert_max_num_queries(6):
        response = client.get(reverse("surveys:index-system-detail", args=[system.pk]), {"export": "xlsx"})
    assert response.status_code == 200
