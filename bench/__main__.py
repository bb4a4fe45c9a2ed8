"""Run the benchmarks and print one table: measured, target, ratio. See bench/README.md."""

import sys

from bench import b1_submissions, b2_invitations, b3_results, b4_export, b5_cases, environment
from bench.report import Table

BENCHMARKS = {"B1": b1_submissions, "B2": b2_invitations, "B3": b3_results, "B4": b4_export, "B5": b5_cases}


def main(names: list[str]) -> int:
    environment.prepare()
    table = Table()
    for name, module in BENCHMARKS.items():
        if names and name not in names:
            continue
        print(f"== {name}: {module.__doc__.strip().splitlines()[0]}", flush=True)
        module.run(table)
    print()
    print(table.render())
    return 0 if table.all_met() else 1


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
