"""Demo survey data for `seed_demo`, each part after what it needs: plans and answers, then the result summary
and pain points drawn from those answers, then a reported plan and an archived one."""

from . import plans, reports, summaries


def seed(*, users: dict, stdout) -> None:
    plans.seed(users=users, stdout=stdout)
    summaries.seed(users=users, stdout=stdout)
    reports.seed(users=users, stdout=stdout)
