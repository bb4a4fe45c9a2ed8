"""B4 export: 100,000 responses × 20 questions to Excel vs bare openpyxl writing the same values.

The product's export reads the database in chunks and writes a write-only workbook; the baseline writes the
same rows, already in memory, with a bare write-only workbook. Each runs in its own process, so its peak
memory is its own. Targets: at least 0.7 × the baseline's rows per second; peak memory under 300 MB.
"""

import json
import os
import subprocess
import sys
import tempfile
from pathlib import Path

RESPONSES = int(os.environ.get("B4_RESPONSES", "100000"))
ROOT = Path(__file__).resolve().parent.parent


def run(table) -> None:
    from bench import data

    questionnaire = data.twenty_question_questionnaire("bench B4")
    data.responses(questionnaire, RESPONSES)
    with tempfile.TemporaryDirectory() as folder:
        ours = measure("product", questionnaire.pk, Path(folder) / "product.xlsx")
        bare = measure("bare", questionnaire.pk, Path(folder) / "bare.xlsx")
    ours_rate, bare_rate = ours["rows"] / ours["seconds"], bare["rows"] / bare["seconds"]
    ratio = ours_rate / bare_rate
    table.add("B4", "bare openpyxl write-only", bare_rate, "rows/s", note=f"{bare['seconds']:.1f} s")
    table.add("B4", "product export", ours_rate, "rows/s", note=f"{ours['rows']:,} rows, {ours['seconds']:.1f} s")
    table.add("B4", "product ÷ bare rows/s", ratio, "×", target="≥ 0.70", met=ratio >= 0.7)
    table.add("B4", "product export peak memory", ours["peak_mb"], "MB", target="< 300", met=ours["peak_mb"] < 300)


def measure(kind: str, questionnaire_id: int, path: Path) -> dict:
    """Run one export in a child process and read back its rows, seconds and peak memory."""
    result = subprocess.run(
        [sys.executable, "-m", "bench.b4_export", kind, str(questionnaire_id), str(path)],
        cwd=ROOT,
        env=os.environ,
        capture_output=True,
        text=True,
        check=True,
    )
    return json.loads(result.stdout.strip().splitlines()[-1])


def child(kind: str, questionnaire_id: int, path: str) -> None:
    import resource
    import time

    import django

    django.setup()
    from openpyxl import Workbook

    from surveys.exports import responses_workbook_rows, write_responses_workbook
    from surveys.models import Questionnaire
    from surveys.selectors.questionnaires import with_contents

    questionnaire = with_contents(Questionnaire.objects.all()).get(pk=questionnaire_id)
    if kind == "product":
        started = time.perf_counter()
        rows = write_responses_workbook(questionnaire, path)
        seconds = time.perf_counter() - started
    else:
        values = list(responses_workbook_rows(questionnaire))
        started = time.perf_counter()
        workbook = Workbook(write_only=True)
        sheet = workbook.create_sheet()
        for row in values:
            sheet.append(row)
        workbook.save(path)
        seconds = time.perf_counter() - started
        rows = len(values) - 1
    peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(json.dumps({"rows": rows, "seconds": seconds, "peak_mb": peak_mb}))


if __name__ == "__main__":
    child(sys.argv[1], int(sys.argv[2]), sys.argv[3])
