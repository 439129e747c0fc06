"""The bench's table (Markdown, printed and written to bench-results/bench.md) and the
targets of issue 2: queries per page the same at every size and at most MAX_QUERIES; p95 of
the list pages at most P95_TARGET_MS at the largest size."""

from __future__ import annotations

from collections.abc import Iterable

from bench.scenarios import SCENARIOS, Result, Scenario

MAX_QUERIES = 12
P95_TARGET_MS = 50.0
TARGET_SIZE = 100_000


def _queries(result: Result) -> str:
    low, high = result.query_range
    return str(low) if low == high else f"{low}–{high}"


def _number(size: int) -> str:
    return f"{size:,}".replace(",", ".")


def _ms(value: float | None) -> str:
    return "–" if value is None else f"{value:.1f}"


def table(results: dict[int, dict[str, Result]]) -> str:
    sizes = sorted(results)
    head = ["Side", "Hvem"]
    for size in sizes:
        head += [f"{_number(size)}: median ms", "p95 ms", "p95 uden CPU-kø", "SQL"]
    lines = ["| " + " | ".join(head) + " |", "|" + "|".join(["---", "---"] + ["---:"] * 4 * len(sizes)) + "|"]
    for scenario in SCENARIOS:
        row = [scenario.page, scenario.who]
        for size in sizes:
            result = results[size][scenario.key]
            row += [_ms(result.median), _ms(result.p95), _ms(result.p95_unqueued), _queries(result)]
        lines.append("| " + " | ".join(row) + " |")
    return "\n".join(lines)


def checks(results: dict[int, dict[str, Result]]) -> list[tuple[bool, str]]:
    """(passed, sentence) per target and page."""
    sizes = sorted(results)
    largest = sizes[-1]
    outcome: list[tuple[bool, str]] = []
    for scenario in SCENARIOS:
        counts = {size: results[size][scenario.key].query_range for size in sizes}
        # Filters add their own lookups, so a page's count varies with the URL (and an empty
        # result skips reading rows); what must not happen is a higher count with more data.
        flat = len({high for _, high in counts.values()}) == 1
        highest = max(high for _, high in counts.values())
        outcome.append(
            (
                flat and highest <= MAX_QUERIES,
                f"{_label(scenario)}: SQL-forespørgsler {', '.join(_queries(results[s][scenario.key]) for s in sizes)}"
                f" (skal være ens og ≤ {MAX_QUERIES})",
            )
        )
    for scenario in _lists(SCENARIOS):
        result = results[largest][scenario.key]
        note = "" if largest >= TARGET_SIZE else f" (målt ved {_number(largest)}, målet gælder {_number(TARGET_SIZE)})"
        unqueued = "" if result.p95_unqueued is None else f"; uden CPU-kø {result.p95_unqueued:.1f} ms"
        outcome.append(
            (
                result.p95 <= P95_TARGET_MS,
                f"{_label(scenario)}: p95 {result.p95:.1f} ms ≤ {P95_TARGET_MS:.0f} ms{note}{unqueued}",
            )
        )
    return outcome


def _label(scenario: Scenario) -> str:
    return f"{scenario.page} ({scenario.who})"


def _lists(scenarios: Iterable[Scenario]) -> list[Scenario]:
    return [s for s in scenarios if s.is_list]


def document(results: dict[int, dict[str, Result]], *, environment: list[str], timings: list[str]) -> str:
    passed = checks(results)
    verdict = "Alle mål er nået." if all(ok for ok, _ in passed) else "Et eller flere mål er ikke nået."
    parts = [
        "# Benchmark: Prøvehandlingsportalen",
        "",
        "Servertid = `client.get` i processen (middleware, SQL og skabelon), efter opvarmning.",
        "“Uden CPU-kø” trækker den tid fra, hvor processen og dens PostgreSQL-proces ventede på en",
        "ledig CPU (Linux schedstat), dvs. tid brugt af andre programmer på maskinen.",
        "",
        table(results),
        "",
        "## Mål",
        "",
        *[f"- {'✓' if ok else '✗'} {sentence}" for ok, sentence in passed],
        "",
        verdict,
        "",
        "## Kørsel",
        "",
        *[f"- {line}" for line in environment + timings],
        "",
    ]
    return "\n".join(parts)
