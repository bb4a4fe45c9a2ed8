"""The one table `make bench` prints."""

from dataclasses import dataclass, field


@dataclass
class Row:
    benchmark: str
    measure: str
    measured: float
    unit: str
    target: str
    met: bool | None
    note: str = ""


@dataclass
class Table:
    rows: list[Row] = field(default_factory=list)

    def add(self, benchmark, measure, measured, unit, target="", met=None, note=""):
        self.rows.append(Row(benchmark, measure, measured, unit, target, met, note))
        print(
            f"   {measure}: {measured:,.2f} {unit} {target} {'' if met is None else ('met' if met else 'MISSED')}",
            flush=True,
        )

    def all_met(self) -> bool:
        return all(row.met is not False for row in self.rows)

    def render(self) -> str:
        header = ("bench", "measure", "measured", "target", "result", "note")
        lines = [
            (
                row.benchmark,
                row.measure,
                f"{row.measured:,.2f} {row.unit}",
                row.target,
                "" if row.met is None else ("met" if row.met else "MISSED"),
                row.note,
            )
            for row in self.rows
        ]
        widths = [max(len(str(cell)) for cell in column) for column in zip(header, *lines, strict=False)]

        def fmt(cells):
            return "  ".join(str(cell).ljust(width) for cell, width in zip(cells, widths, strict=False)).rstrip()

        return "\n".join([fmt(header), fmt(["-" * w for w in widths]), *map(fmt, lines)])
