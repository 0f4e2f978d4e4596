"""The README's dashboard picture: every panel's query over a real Prometheus, plotted.

No Grafana server can run here, so this draws the same PromQL the committed dashboard
holds, over the range a test scraped, one small chart per panel."""

from __future__ import annotations

from collections import defaultdict
from pathlib import Path
from typing import Any

from tests.integration.prometheus import Prometheus, expand

HIDDEN_LABELS = {"job", "instance", "__name__"}


def _legend(metric: dict[str, str]) -> str:
    return ",".join(f"{k}={v}" for k, v in sorted(metric.items()) if k not in HIDDEN_LABELS) or "value"


def render_panels(prom: Prometheus, queries: list[tuple[str, str]], variables: dict[str, str],
                  start: float, end: float, out: Path) -> None:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    panels: dict[str, list[str]] = defaultdict(list)
    for title, expr in queries:
        panels[title].append(expr)
    cols = 3
    rows = (len(panels) + cols - 1) // cols
    fig, axes = plt.subplots(rows, cols, figsize=(5.2 * cols, 2.9 * rows), squeeze=False)
    step = max((end - start) / 120, 1.0)
    for ax, (title, exprs) in zip(axes.flat, panels.items(), strict=False):
        series = 0
        for expr in exprs:
            data: Any = prom.api("query_range", query=expand(expr, variables), start=f"{start:.3f}",
                                 end=f"{end:.3f}", step=f"{step:.3f}")
            for s in data["result"][:8]:
                xs = [float(t) - start for t, _ in s["values"]]
                ys = [float(v) for _, v in s["values"]]
                ax.plot(xs, ys, linewidth=1.2, label=_legend(s["metric"])[:40])
                series += 1
        ax.set_title(title, fontsize=9)
        ax.tick_params(labelsize=7)
        ax.set_xlabel("seconds into the run", fontsize=7)
        if 0 < series <= 8:
            ax.legend(fontsize=6, loc="best")
    for ax in list(axes.flat)[len(panels):]:
        ax.axis("off")
    fig.suptitle("newswatch dashboard queries over a real Prometheus scrape (sample feed, one worker)", fontsize=11)
    fig.tight_layout()
    out.parent.mkdir(parents=True, exist_ok=True)
    fig.savefig(out, dpi=80)
    plt.close(fig)
