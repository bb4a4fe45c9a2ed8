"""Demo result summary and pain-point library, from the answered questionnaire of the plans. Safe to run twice."""

from surveys.models import Answer, PainPoint, Question, Questionnaire, ResultSummary, SummaryProblem
from surveys.services import pain_points, summaries

SUMMARY_TEXT = (
    "本次共回收约三分之二的调研表。客户对产品外观和加热速度评价较高；主要问题集中在开关响应速度，"
    "次要问题是颜色选择偏少。建议研发部评估开关方案，并在下一批次增加配色。"
)
# description, category, severity, the free-text answer it comes from (or None), target status
ENTRIES = [
    ("开关反应慢，按下后要等一会儿才启动", "function", "high", "开关反应有点慢。", "improving"),
    ("包装不够环保", "product", "medium", "包装可以更环保一些。", "open"),
    ("希望有更多颜色可选", "product", "low", "希望有更多颜色可选。", "open"),
    ("售后电话等待时间长", "after_sales", "high", None, "improving"),
    ("体验中心休息区座位不足", "experience_centre", "medium", None, "open"),
    ("配送时间不能预约", "delivery", "medium", None, "open"),
    ("价格档位说明不清楚", "price", "low", None, "open"),
    ("说明书字体太小", "product", "low", None, "solved"),
]
DUPLICATE = ("开关按下后延迟明显", "function", "medium")
# Each written comment counts at most this many times, so the list shows a spread of frequencies.
MAX_ANSWERS_PER_ENTRY = 4
STATUS_PATH = {"open": [], "improving": ["improving"], "solved": ["improving", "solved"]}


def seed(*, users: dict, stdout) -> None:
    """An approved summary with two problems for the answered questionnaire, and about eight pain points."""
    questionnaire = (
        Questionnaire.objects.filter(status=Questionnaire.Status.APPROVED, responses__isnull=False)
        .order_by("pk")
        .first()
    )
    if questionnaire is None:
        stdout.write("Result summaries: no answered questionnaire yet; run the survey demo first.")
        return
    problems = seed_summary(questionnaire, users["supervisor"], users["director"])
    created = seed_pain_points(questionnaire, problems, users["specialist"], users["supervisor"])
    stdout.write(
        f"Result summaries and pain points: {created} new library entries ({PainPoint.objects.count()} in all)."
    )


def text_answers(questionnaire, text: str):
    return Answer.objects.filter(
        response__questionnaire=questionnaire, question__kind=Question.Kind.TEXT, text=text
    ).order_by("pk")


def rating_questions(questionnaire, word: str) -> list[Question]:
    """The rating questions whose text has the word (the physical product template's 开关, 包装 …)."""
    return list(
        Question.objects.filter(section__questionnaire=questionnaire, kind=Question.Kind.RATING, text__contains=word)
    )


def seed_summary(questionnaire, supervisor, director) -> list[SummaryProblem]:
    """The questionnaire's summary, written by the supervisor and approved by the director (once)."""
    existing = ResultSummary.objects.filter(questionnaire=questionnaire).first()
    if existing is not None:
        return list(existing.problems.order_by("severity", "pk"))
    summary = summaries.create_summary(questionnaire_id=questionnaire.pk, actor=supervisor, summary=SUMMARY_TEXT)
    major = summaries.add_problem(
        summary_id=summary.pk,
        actor=supervisor,
        severity=SummaryProblem.Severity.MAJOR,
        description="开关响应速度慢，部分客户认为需要等待",
        questions=rating_questions(questionnaire, "开关"),
        answers=list(text_answers(questionnaire, "开关反应有点慢。")[:3]),
    )
    minor = summaries.add_problem(
        summary_id=summary.pk,
        actor=supervisor,
        severity=SummaryProblem.Severity.MINOR,
        description="包装不够环保",
        questions=rating_questions(questionnaire, "包装"),
        answers=list(text_answers(questionnaire, "包装可以更环保一些。")[:3]),
    )
    summaries.submit_summary(summary_id=summary.pk, actor=supervisor)
    summaries.approve_summary(summary_id=summary.pk, actor=director, comment="同意，请跟进开关问题。")
    return [major, minor]


def seed_pain_points(questionnaire, problems, specialist, supervisor) -> int:
    """Library entries from comments, the summary's problems and by hand; one duplicate merged. Once."""
    if PainPoint.objects.exists():
        return 0
    entries = []
    for description, category, severity, comment, status in ENTRIES:
        answers = list(text_answers(questionnaire, comment)[:MAX_ANSWERS_PER_ENTRY]) if comment else []
        first = {"answer_id": answers[0].pk} if answers else {"note": "客户来电反馈"}
        entry = pain_points.create_pain_point(
            actor=specialist, category=category, description=description, severity=severity, **first
        )
        for answer in answers[1:]:
            pain_points.add_pain_point_source(pain_point_id=entry.pk, actor=specialist, answer_id=answer.pk)
        for step in STATUS_PATH[status]:
            pain_points.change_pain_point_status(pain_point_id=entry.pk, actor=supervisor, status=step)
        entries.append(entry)
    # The summary's problems join the entries of the same needs.
    for problem, entry in zip(problems, entries[:2], strict=False):
        pain_points.add_pain_point_source(pain_point_id=entry.pk, actor=supervisor, problem_id=problem.pk)
    description, category, severity = DUPLICATE
    duplicate = pain_points.create_pain_point(
        actor=specialist, category=category, description=description, severity=severity, note="体验中心现场反馈"
    )
    pain_points.add_pain_point_source(pain_point_id=duplicate.pk, actor=specialist, note="客户来电反馈")
    pain_points.merge_pain_points(
        source_id=duplicate.pk, target_id=entries[0].pk, actor=supervisor, comment="与开关反应慢为同一问题"
    )
    return len(entries) + 1
