"""The backtest report: alerts per rule over time and, with labels, the scores (score.py) with
every miss and false alarm and the evidence for it.

- :func:`render_html` writes one self-contained HTML file (inline CSS, an inline SVG chart
  drawn here, no script, no external resource; every text from articles escaped);
  :func:`print_summary` prints the same in brief with rich tables.
"""

from __future__ import annotations

import html
from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import IO, Any

from streams import timestamps
from streams.backtest.score import ArticleInfo, Scores
from streams.models import Alert

# ---------------------------------------------------------------------- timeline


def _parse(stamp: str) -> datetime | None:
    return timestamps.parse(stamp, assume_utc=True)


def _floor(t: datetime, unit: str) -> datetime:
    t = t.astimezone(UTC)
    if unit == "hour":
        return t.replace(minute=0, second=0, microsecond=0)
    day = t.replace(hour=0, minute=0, second=0, microsecond=0)
    if unit == "day":
        return day
    if unit == "week":
        return day - timedelta(days=day.weekday())
    return day.replace(day=1)


def _next(t: datetime, unit: str) -> datetime:
    if unit == "hour":
        return t + timedelta(hours=1)
    if unit == "day":
        return t + timedelta(days=1)
    if unit == "week":
        return t + timedelta(days=7)
    return (t.replace(day=28) + timedelta(days=4)).replace(day=1)


def _label(t: datetime, unit: str) -> str:
    return {"hour": f"{t:%Y-%m-%d %H}h", "day": f"{t:%Y-%m-%d}", "week": f"{t:%Y-%m-%d}", "month": f"{t:%Y-%m}"}[unit]


@dataclass(slots=True)
class Timeline:
    unit: str  # hour | day | week | month
    buckets: list[datetime]
    series: dict[str, list[int]]  # rule -> count per bucket

    @property
    def labels(self) -> list[str]:
        return [_label(b, self.unit) for b in self.buckets]


def timeline(alerts: Iterable[Alert], max_buckets: int = 60) -> Timeline:
    """Alerts per rule per bucket of event time, at the finest of hour/day/week/month that
    needs at most ``max_buckets`` buckets."""
    times: list[tuple[str, datetime]] = []
    for a in alerts:
        t = _parse(a.event_time)
        if t is not None:
            times.append((a.rule.id, t))
    if not times:
        return Timeline("day", [], {})
    lo, hi = min(t for _, t in times), max(t for _, t in times)
    for unit in ("hour", "day", "week", "month"):  # months: as many as it takes
        buckets = [_floor(lo, unit)]
        while buckets[-1] < _floor(hi, unit) and (len(buckets) <= max_buckets or unit == "month"):
            buckets.append(_next(buckets[-1], unit))
        if len(buckets) <= max_buckets:
            break
    index = {b: i for i, b in enumerate(buckets)}
    series: dict[str, list[int]] = {}
    for rule, t in times:
        series.setdefault(rule, [0] * len(buckets))[index[_floor(t, unit)]] += 1
    return Timeline(unit, buckets, dict(sorted(series.items())))


# ---------------------------------------------------------------------------- SVG

PALETTE = ("#1f77b4", "#d62728", "#2ca02c", "#ff7f0e", "#9467bd", "#8c564b", "#e377c2", "#7f7f7f", "#bcbd22",
           "#17becf")


def _nice_max(value: int) -> int:
    for step in (1, 2, 5, 10, 20, 25, 50, 100, 200, 250, 500, 1000, 2000, 5000, 10_000):
        if value <= step * 5:
            return step * 5 if value > 0 else 5
    return value


def svg_chart(tl: Timeline, width: int = 960, height: int = 340) -> str:
    """Alerts per rule per bucket as an inline SVG line chart (no xmlns needed inline in HTML)."""
    e = html.escape
    if not tl.buckets:
        return '<p class="none">No alerts, so no chart.</p>'
    left, right, top, bottom = 48, 48, 16, 78
    plot_w, plot_h = width - left - right, height - top - bottom
    n = len(tl.buckets)
    top_value = _nice_max(max((max(v) for v in tl.series.values()), default=0))

    def x(i: int) -> float:
        return left + (plot_w * (i + 0.5) / n)

    def y(v: int) -> float:
        return top + plot_h - plot_h * v / top_value

    parts = [f'<svg class="chart" viewBox="0 0 {width} {height}" width="{width}" height="{height}" role="img" '
             f'aria-label="alerts per rule per {e(tl.unit)}">']
    for k in range(6):
        v = top_value * k // 5
        parts.append(f'<line x1="{left}" y1="{y(v):.1f}" x2="{width - right}" y2="{y(v):.1f}" class="grid"/>'
                     f'<text x="{left - 6}" y="{y(v) + 4:.1f}" class="tick" text-anchor="end">{v}</text>')
    every = max(1, -(-n // 24))
    for i, lab in enumerate(tl.labels):
        if i % every == 0:
            parts.append(f'<text class="tick" transform="translate({x(i):.1f},{top + plot_h + 10}) rotate(45)">'
                         f'{e(lab)}</text>')
    for r, (rule, counts) in enumerate(tl.series.items()):
        color = PALETTE[r % len(PALETTE)]
        points = " ".join(f"{x(i):.1f},{y(v):.1f}" for i, v in enumerate(counts))
        parts.append(f'<polyline points="{points}" fill="none" stroke="{color}" stroke-width="1.8"/>')
        for i, v in enumerate(counts):
            if v:
                parts.append(f'<circle cx="{x(i):.1f}" cy="{y(v):.1f}" r="3" fill="{color}">'
                             f'<title>{e(rule)}: {v} alert(s), {e(tl.labels[i])}</title></circle>')
    parts.append(f'<text x="{left}" y="{height - 4}" class="axis">alerts per {e(tl.unit)} of event time (UTC)</text>')
    parts.append("</svg>")
    legend = "".join(f'<span class="key"><span class="swatch" style="background:{PALETTE[r % len(PALETTE)]}">'
                     f'</span>{e(rule)} ({sum(c)})</span>' for r, (rule, c) in enumerate(tl.series.items()))
    return "".join(parts) + f'<div class="legend">{legend}</div>'


# --------------------------------------------------------------------------- HTML

CSS = """
body{font:14px/1.45 system-ui,-apple-system,"Segoe UI",sans-serif;margin:24px auto;max-width:1100px;color:#222;
padding:0 16px}
h1{font-size:22px}h2{font-size:18px;margin-top:32px;border-bottom:1px solid #ddd}
table{border-collapse:collapse;margin:8px 0}
td,th{border:1px solid #ddd;padding:4px 8px;text-align:left;vertical-align:top}
th{background:#f4f4f4}td.n{text-align:right;font-variant-numeric:tabular-nums}
.meta{color:#555}.chart .grid{stroke:#eee}.chart .tick{font-size:10px;fill:#555}.chart .axis{font-size:11px;fill:#555}
.legend{margin:4px 0 12px}.key{margin-right:14px;white-space:nowrap}
.swatch{display:inline-block;width:10px;height:10px;margin-right:4px;vertical-align:middle}
.case{border:1px solid #ddd;border-radius:4px;padding:8px 12px;margin:10px 0}.case h3{font-size:15px;margin:0 0 4px}
.case ul{margin:4px 0 4px 18px;padding:0}.quote{color:#333;font-style:italic}.low{color:#b00}.ok{color:#070}
.muted{color:#666}.none{color:#666}
"""


def _pct(v: float) -> str:
    return f"{v:.3f}"


def render_html(out: IO[str], alerts: Sequence[Alert], *, title: str, meta: Sequence[str],
                scores: Scores | None = None, info: Mapping[str, ArticleInfo] | None = None,
                rule_titles: Mapping[str, tuple[str, str]] | None = None, max_alerts: int = 2000) -> None:
    """Write the report. ``rule_titles``: rule id -> (title, severity)."""
    e = html.escape
    info = info or {}
    rule_titles = rule_titles or {}
    tl = timeline(alerts)
    w = out.write
    w(f'<!DOCTYPE html>\n<html lang="en"><head><meta charset="utf-8"><title>{e(title)}</title>'
      f"<style>{CSS}</style></head><body>\n<h1>{e(title)}</h1>\n")
    w("".join(f'<p class="meta">{e(m)}</p>' for m in meta))
    w(f"<h2>Alerts per rule over time</h2>\n{svg_chart(tl)}\n")
    by_rule: dict[str, list[Alert]] = defaultdict(list)
    for a in alerts:
        by_rule[a.rule.id].append(a)
    w("<table><tr><th>rule</th><th>title</th><th>severity</th><th>alerts</th><th>first event</th>"
      "<th>last event</th><th>peak</th></tr>")
    for rule, items in sorted(by_rule.items()):
        counts = tl.series.get(rule, [])
        peak = max(range(len(counts)), key=lambda i: counts[i]) if counts else None
        title_, severity = rule_titles.get(rule, (items[0].rule.title, items[0].severity))
        w(f"<tr><td>{e(rule)}</td><td>{e(title_)}</td><td>{e(severity)}</td><td class=n>{len(items)}</td>"
          f"<td>{e(min(a.event_time for a in items))}</td><td>{e(max(a.event_time for a in items))}</td>"
          f"<td>{e(tl.labels[peak]) + f' ({counts[peak]})' if peak is not None else ''}</td></tr>")
    w("</table>\n")
    if scores is not None:
        _html_scores(w, scores, info)
    w(f"<h2>All alerts ({len(alerts)})</h2>\n<table><tr><th>event time</th><th>severity</th><th>rule</th>"
      "<th>summary</th><th>quote</th><th>sources</th><th>id</th></tr>")
    for a in sorted(alerts, key=lambda a: (a.event_time, a.id))[:max_alerts]:
        quote = next((ev.quote for ev in a.evidence if ev.quote), a.evidence[0].sentence if a.evidence else "")
        w(f"<tr><td>{e(a.event_time)}</td><td>{e(a.severity)}</td><td>{e(a.rule.id)}</td><td>{e(a.summary)}</td>"
          f'<td class="quote">{e((quote or "")[:240])}</td><td class=n>{a.sources_count}</td>'
          f"<td><code>{e(a.id)}</code></td></tr>")
    w("</table>")
    if len(alerts) > max_alerts:
        w(f'<p class="muted">… and {len(alerts) - max_alerts} more (newswatch backtest --json lists them all)</p>')
    w("\n</body></html>\n")


def _alert_html(a: Alert) -> str:
    e = html.escape
    who = a.speaker.name + (f" / {a.speaker.voice.name}" if a.speaker.voice else "")
    ev = "".join(f'<li>{e(x.article_id)} ({e(x.language)}{", " + e(x.published_at) if x.published_at else ""}): '
                 f'<span class="quote">“{e((x.quote or x.sentence)[:300])}”</span></li>' for x in a.evidence[:8])
    return (f"<p><b>{e(a.rule.id)}</b> {e(a.severity)}: {e(a.summary)}<br>speaker {e(who)} "
            f"({e(a.speaker.kind)}, {e(a.speaker.country or '?')}); targets "
            f"{e(', '.join(f'{t.name} ({t.country})' for t in a.targets))}; modality {e(a.modality)}; "
            f"<code>{e(a.id)}</code></p><ul>{ev}</ul>")


def _article_html(aid: str, info: Mapping[str, ArticleInfo]) -> str:
    e = html.escape
    parts = []
    for one in aid.split(","):
        i = info.get(one)
        if i is None:
            parts.append(f'<p class="muted">{e(one)}: not in the files given</p>')
            continue
        statements = "".join(f"<li>{e(s)}</li>" for s in i.statements)
        parts.append(f"<p><b>{e(i.article_id)}</b> {e(i.title or '')} <span class=muted>({e(i.language)}, "
                     f"{e(i.published_at or 'no date')}, {e(i.where)})</span></p>"
                     f"<p class=muted>what tagging found:</p><ul>{statements}</ul>")
    return "".join(parts)


def _html_scores(w: Any, scores: Scores, info: Mapping[str, ArticleInfo]) -> None:
    e = html.escape
    w("<h2>Precision and recall per rule</h2>\n<table><tr><th>rule</th><th>true</th><th>false alarms</th>"
      "<th>misses</th><th>precision</th><th>recall</th></tr>")
    for rule, s in sorted(scores.rules.items()):
        w(f"<tr><td>{e(rule)}</td><td class=n>{s.tp}</td><td class=n>{s.fp}</td><td class=n>{s.fn}</td>"
          f"<td class=n>{_pct(s.precision)}</td><td class=n>{_pct(s.recall)}</td></tr>")
    w("</table>\n")
    w(f"<h2>Misses ({len(scores.misses)})</h2>\n")
    if not scores.misses:
        w('<p class="none">None: every labelled alert was raised.</p>')
    for m in scores.misses:
        want = m.want
        if "target" in want:
            head = (f"{m.rule}: the {want['target']} aggregate of {', '.join(want['articles'])} "
                    f"(speakers {', '.join(want.get('speaker_countries', []))})")
        else:
            head = (f"{m.article_id} — {m.rule}: expected {want.get('speaker_kind')} {want.get('speaker_country')} "
                    f"about {', '.join(want.get('targets', []))}")
        raised = "".join(_alert_html(a) for a in m.raised[:5]) or '<p class="muted">no alert of this rule</p>'
        w(f'<section class="case"><h3>{e(head)}</h3>'
          + (f'<p class="muted">label note: {e(m.note)}</p>' if m.note else "")
          + f"{_article_html(m.article_id, info)}<p class=muted>raised under this rule:</p>{raised}</section>\n")
    w(f"<h2>False alarms ({len(scores.false_alarms)})</h2>\n")
    if not scores.false_alarms:
        w('<p class="none">None: every alert raised on a labelled article was expected.</p>')
    for f in scores.false_alarms:
        w(f'<section class="case"><h3>{e(f.article_id)} — {e(f.alert.rule.id)}'
          f'{" (labelled " + e(f.kind) + ")" if f.kind else ""}</h3>'
          + (f'<p class="muted">label note: {e(f.note)}</p>' if f.note else "")
          + _alert_html(f.alert) + _article_html(f.article_id, info) + "</section>\n")


# ----------------------------------------------------------------------- terminal

BARS = " ▁▂▃▄▅▆▇█"


def sparkline(counts: Sequence[int]) -> str:
    top = max(counts, default=0)
    if not top:
        return "".join(" " for _ in counts)
    return "".join(BARS[0] if not c else BARS[max(1, round(c * 8 / top))] for c in counts)


def print_summary(console: Any, alerts: Sequence[Alert], scores: Scores | None = None, report: str | None = None,
                  max_cases: int = 40) -> None:
    """Alerts per rule over time (a sparkline per rule) and, with labels, precision/recall with
    every miss and false alarm on one line each (up to ``max_cases``)."""
    from rich.markup import escape
    from rich.table import Table

    tl = timeline(alerts)
    span = f"{tl.labels[0]} … {tl.labels[-1]}" if tl.buckets else "no alerts"
    table = Table(title=f"alerts per rule per {tl.unit} ({span})")
    for col in ("rule", "alerts", "first", "last", "over time"):
        table.add_column(col, overflow="fold", justify="right" if col == "alerts" else "left")
    by_rule: dict[str, list[Alert]] = defaultdict(list)
    for a in alerts:
        by_rule[a.rule.id].append(a)
    for rule, items in sorted(by_rule.items()):
        table.add_row(escape(rule), str(len(items)), escape(min(a.event_time for a in items)[:16]),
                      escape(max(a.event_time for a in items)[:16]), sparkline(tl.series.get(rule, [])))
    console.print(table)
    if scores is not None:
        pr = Table(title="precision and recall per rule (labels)")
        for col in ("rule", "true", "false alarms", "misses", "precision", "recall"):
            pr.add_column(col, justify="left" if col == "rule" else "right")
        for rule, s in sorted(scores.rules.items()):
            style = "" if s.precision >= 0.95 and s.recall >= 0.9 else "red"
            pr.add_row(escape(rule), str(s.tp), str(s.fp), str(s.fn), _pct(s.precision), _pct(s.recall), style=style)
        console.print(pr)
        cases = [f"miss: {m.line()}" for m in scores.misses] + [f"false alarm: {f.line()}"
                                                                 for f in scores.false_alarms]
        for line in cases[:max_cases]:
            console.print(line, markup=False, highlight=False, soft_wrap=True)
        if len(cases) > max_cases:
            console.print(f"… {len(cases) - max_cases} more", markup=False)
    if report:
        console.print(f"report with the evidence: {report}", markup=False, highlight=False, soft_wrap=True)
