"""The newswatch Grafana dashboard, as code (grafana-foundation-sdk).

    python deploy/grafana/dashboard.py           # writes deploy/grafana/dashboards/newswatch.json
    python deploy/grafana/dashboard.py --check   # exits 1 when the committed JSON is not what this builds

The JSON is committed (Grafana provisions it from deploy/grafana/provisioning) and is
deterministic: keys sorted, fixed panel ids, no timestamps. Every query is filtered by the
``job`` and ``instance`` variables; every metric comes from streams/runtime/metrics.py (faust's own
sensor series are prefixed ``newswatch_`` too), which tests/unit/runtime/test_metrics_contract.py checks.
Importing this module has no side effects.
"""

from __future__ import annotations

import argparse
import difflib
import json
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from grafana_foundation_sdk.builders import common as common_builder
from grafana_foundation_sdk.builders import dashboard as dashboard_builder
from grafana_foundation_sdk.builders import prometheus, stat, table, timeseries
from grafana_foundation_sdk.cog.encoder import JSONEncoder
from grafana_foundation_sdk.models import common
from grafana_foundation_sdk.models import dashboard as model
from grafana_foundation_sdk.models import prometheus as prom_model

HERE = Path(__file__).resolve().parent
OUTPUT = HERE / "dashboards" / "newswatch.json"

UID = "newswatch"
DATASOURCE_UID = "prometheus"  # deploy/grafana/provisioning/datasources/prometheus.yaml
DATASOURCE = model.DataSourceRef(type_val="prometheus", uid=DATASOURCE_UID)

SEL = 'job=~"$job", instance=~"$instance"'
RATE = "$__rate_interval"


def sel(extra: str = "") -> str:
    """The label matchers every query carries: the dashboard's job and instance variables."""
    return "{" + SEL + (", " + extra if extra else "") + "}"


def query(expr: str, legend: str = "__auto", ref_id: str = "A", *, instant: bool = False,
          table_format: bool = False) -> prometheus.Dataquery:
    q = (prometheus.Dataquery().expr(expr).legend_format(legend).ref_id(ref_id).datasource(DATASOURCE)
         .editor_mode(prom_model.QueryEditorMode.CODE))
    if instant:
        q = q.instant()
    else:
        q = q.range()
    if table_format:
        q = q.format(prom_model.PromQueryFormat.TABLE)
    return q


def quantiles(metric: str, by: str, legend: str, extra: str = "",
              qs: Sequence[float] = (0.5, 0.95, 0.99)) -> list[prometheus.Dataquery]:
    """histogram_quantile over a histogram's buckets, one target per quantile."""
    keys = f"{by}, le" if by else "le"
    return [
        query(f"histogram_quantile({q}, sum by ({keys}) (rate({metric}_bucket{sel(extra)}[{RATE}])))",
              legend.format(q=f"p{round(q * 100)}"), chr(ord("A") + i))
        for i, q in enumerate(qs)
    ]


def legend_table() -> common_builder.VizLegendOptions:
    return (common_builder.VizLegendOptions().display_mode(common.LegendDisplayMode.TABLE)
            .placement(common.LegendPlacement.BOTTOM).show_legend(True).calcs(["lastNotNull", "max"]))


def series(title: str, description: str, targets: Sequence[prometheus.Dataquery], *, unit: str = "short",
           axis: str = "", width: int = 12, height: int = 8, stacking: common.StackingMode | None = None,
           threshold: float | None = None) -> timeseries.Panel:
    panel = (timeseries.Panel().title(title).description(description).datasource(DATASOURCE)
             .unit(unit).span(width).height(height).min(0).fill_opacity(10).line_width(1)
             .legend(legend_table())
             .tooltip(common_builder.VizTooltipOptions().mode(common.TooltipDisplayMode.MULTI)
                      .sort(common.SortOrder.DESCENDING)))
    if axis:
        panel = panel.axis_label(axis)
    if stacking is not None:
        panel = panel.stacking(common_builder.StackingConfig().mode(stacking)).fill_opacity(60)
    if threshold is not None:
        panel = (panel.thresholds(dashboard_builder.ThresholdsConfig().mode(model.ThresholdsMode.ABSOLUTE).steps([
            model.Threshold(None, "green"), model.Threshold(threshold, "red")]))
            .thresholds_style(common_builder.GraphThresholdsStyleConfig().mode(common.GraphTresholdsStyleMode.DASHED)))
    for target in targets:
        panel = panel.with_target(target)
    return panel


def single(title: str, description: str, target: prometheus.Dataquery, *, unit: str = "short", width: int = 4,
           text_mode: common.BigValueTextMode = common.BigValueTextMode.VALUE_AND_NAME,
           graph: bool = False) -> stat.Panel:
    return (stat.Panel().title(title).description(description).datasource(DATASOURCE).unit(unit)
            .span(width).height(4).with_target(target)
            .reduce_options(common_builder.ReduceDataOptions().calcs(["lastNotNull"]).values(False))
            .text_mode(text_mode).color_mode(common.BigValueColorMode.NONE)
            .graph_mode(common.BigValueGraphMode.AREA if graph else common.BigValueGraphMode.NONE))


def build() -> dict[str, Any]:
    """The dashboard as a JSON-ready dict."""
    job = (dashboard_builder.QueryVariable("job").label("job").datasource(DATASOURCE)
           .query("label_values(newswatch_build_info, job)")
           .refresh(model.VariableRefresh.ON_TIME_RANGE_CHANGED).sort(model.VariableSort.ALPHABETICAL_ASC)
           .multi(False).include_all(False).current(model.VariableOption(selected=True, text="newswatch",
                                                                         value="newswatch")))
    instance = (dashboard_builder.QueryVariable("instance").label("instance").datasource(DATASOURCE)
                .query('label_values(newswatch_build_info{job=~"$job"}, instance)')
                .refresh(model.VariableRefresh.ON_TIME_RANGE_CHANGED).sort(model.VariableSort.ALPHABETICAL_ASC)
                .multi(True).include_all(True).all_value(".*")
                .current(model.VariableOption(selected=True, text="All", value="$__all")))

    board = (dashboard_builder.Dashboard("newswatch").uid(UID)
             .description("newswatch workers: stage throughput, dead letters, latency, consumer lag and alerts "
                          "(generated by deploy/grafana/dashboard.py; edit that, not the JSON)")
             .tags(["newswatch", "kafka", "faust"]).editable().timezone("utc")
             .time("now-1h", "now").refresh("10s").tooltip(model.DashboardCursorSync.CROSSHAIR)
             .variables([job, instance]))

    # ------------------------------------------------------------------ overview
    board = board.with_row(dashboard_builder.Row("Workers"))
    board = board.with_panel(single(
        "Workers up", "Workers Prometheus scrapes successfully (the `up` series of the job).",
        query(f"sum(up{sel()})", "up"), graph=True))
    board = board.with_panel(single(
        "Build info", "Versions the workers run (newswatch_build_info), and how many workers run each.",
        query(f"count by (version, python, faust, aiokafka) (newswatch_build_info{sel()})",
              "newswatch {{version}} · Python {{python}} · faust {{faust}} · aiokafka {{aiokafka}}"),
        width=8))
    board = board.with_panel(single(
        "Rules loaded", "Alert rules each worker loaded, by rule-set version (newswatch_rules_loaded); "
        "workers that disagree show as two versions.",
        query(f"max by (version) (newswatch_rules_loaded{sel()})", "rule set {{version}}")))
    board = board.with_panel(single(
        "KB entities", "Knowledge-base entities loaded, by knowledge-base version (newswatch_kb_entities).",
        query(f"max by (version) (newswatch_kb_entities{sel()})", "KB {{version}}")))
    board = board.with_panel(single(
        "Rebalances in progress", "Consumer-group rebalances the workers are in, or recovering tables after "
        "(faust's newswatch_total_rebalances and newswatch_total_rebalances_recovering); 0 when settled.",
        query(f"sum(newswatch_total_rebalances{sel()}) + sum(newswatch_total_rebalances_recovering{sel()})",
              "rebalancing"), graph=True))

    # ------------------------------------------------------------------ throughput
    board = board.with_row(dashboard_builder.Row("Throughput"))
    board = board.with_panel(series(
        "Throughput by stage", "Records each stage took in, passed on and dead-lettered per second "
        "(newswatch_stage_in/out/failed). Per stage, in = out + failed.",
        [query(f"sum by (stage) (rate(newswatch_stage_in_total{sel()}[{RATE}]))", "{{stage}} in", "A"),
         query(f"sum by (stage) (rate(newswatch_stage_out_total{sel()}[{RATE}]))", "{{stage}} out", "B"),
         query(f"sum by (stage) (rate(newswatch_stage_failed_total{sel()}[{RATE}]))", "{{stage}} failed", "C")],
        axis="records/s"))
    board = board.with_panel(series(
        "Dead letters by stage and kind", "Records sent to news.deadletter per second, by stage and error kind "
        "(newswatch_deadletters). Read them with kcat from news.deadletter.",
        [query(f"sum by (stage, kind) (rate(newswatch_deadletters_total{sel()}[{RATE}]))", "{{stage}} / {{kind}}")],
        axis="records/s"))
    board = board.with_panel(series(
        "Duplicates", "Articles flagged as near-duplicates of one seen before (newswatch_duplicates), per "
        "second; they are passed on and corroborate alerts.",
        [query(f"sum(rate(newswatch_duplicates_total{sel()}[{RATE}]))", "near-duplicates/s", "A")],
        axis="articles/s", width=8))
    board = board.with_panel(series(
        "Language mix", "Share of cleaned articles by identified language (newswatch_articles_by_language).",
        [query(f"sum by (language) (rate(newswatch_articles_by_language_total{sel()}[{RATE}]))", "{{language}}")],
        stacking=common.StackingMode.PERCENT, unit="percentunit", width=8))
    board = board.with_panel(series(
        "Entity mentions by type", "Entity mentions tagged per second, by entity type (newswatch_entity_mentions).",
        [query(f"sum by (type) (rate(newswatch_entity_mentions_total{sel()}[{RATE}]))", "{{type}}")],
        axis="mentions/s", width=8))

    # ------------------------------------------------------------------ latency
    board = board.with_row(dashboard_builder.Row("Latency"))
    board = board.with_panel(series(
        "Ingest to alert latency", "From an article's arrival on news.raw (its Kafka timestamp) to its alert "
        "being sent: p50, p95, p99 (newswatch_ingest_to_alert_seconds). Objective: p99 under 250 ms "
        "(alert NewswatchAlertLatencyHigh).",
        quantiles("newswatch_ingest_to_alert_seconds", "", "{q}"), unit="s", threshold=0.25))
    board = board.with_panel(series(
        "Stage time per record", "Time a stage function spent on one record, p50, p95, p99 by stage "
        "(newswatch_stage_seconds).",
        quantiles("newswatch_stage_seconds", "stage", "{{{{stage}}}} {q}"), unit="s"))
    board = board.with_panel(series(
        "Publication to alert latency", "From an article's published_at to its alert, p50 and p95 "
        "(newswatch_publication_to_alert_seconds; only articles that state it). Feeds arrive late, so "
        "minutes to hours are normal.",
        quantiles("newswatch_publication_to_alert_seconds", "", "{q}", qs=(0.5, 0.95)), unit="s"))
    board = board.with_panel(series(
        "Consumer commit latency", "Time faust takes to commit offsets, p50 and p99 "
        "(faust's newswatch_consumer_commit_latency, in milliseconds).",
        quantiles("newswatch_consumer_commit_latency", "", "{q}", qs=(0.5, 0.99)), unit="ms"))

    # ------------------------------------------------------------------ kafka
    board = board.with_row(dashboard_builder.Row("Kafka"))
    board = board.with_panel(series(
        "Consumer lag by topic and partition", "Records on each partition not yet committed, reported by the "
        "worker that holds the partition (newswatch_consumer_lag). Alert NewswatchConsumerLagGrowing fires "
        "when a topic's lag is above 1000 and growing for 10 minutes.",
        [query(f"sum by (topic, partition) (newswatch_consumer_lag{sel()})", "{{topic}} [{{partition}}]")],
        axis="records"))
    board = board.with_panel(series(
        "Records arriving per topic", "Growth of the end offsets of the partitions the workers hold, per "
        "second (newswatch_partition_end_offset): what each stage is offered. The gauge is read every 5 s "
        "(and only for partitions a worker holds), so a topic with a single reading in the window shows 0.",
        [query(f"sum by (topic) (deriv(newswatch_partition_end_offset{sel()}[{RATE}]))"
               f" or 0 * sum by (topic) (newswatch_partition_end_offset{sel()})", "{{topic}}")],
        axis="records/s"))

    # ------------------------------------------------------------------ the process hop
    board = board.with_row(dashboard_builder.Row("Process hop"))
    undelivered = sel('kind="undelivered"')
    board = board.with_panel(series(
        "Process hop: stalls, failed attempts and given-up records", "Batches (or assignments) of the process "
        "hop given up after NEWSWATCH_HOP_STALL_TIMEOUT without progress (newswatch_process_hop_stalls; alert "
        "NewswatchProcessHopStalled); failed attempts in a row at a partition's next records "
        "(newswatch_process_hop_failed_attempts; 3 or more: alert NewswatchProcessHopPartitionBlocked); "
        "articles dead-lettered because an output was not delivered after NEWSWATCH_HOP_MAX_ATTEMPTS (kind "
        "undelivered) and dead letters written without their record (newswatch_deadletters_without_original).",
        # (B-D have no series until the first failure: "or vector(0)" draws the quiet line)
        [query(f"sum by (instance) (increase(newswatch_process_hop_stalls_total{sel()}[{RATE}]))",
               "{{instance}} stalls", "A"),
         query(f"max by (instance, partition) (newswatch_process_hop_failed_attempts{sel()}) or on() vector(0)",
               "{{instance}} [{{partition}}] failed attempts", "B"),
         query(f"sum by (stage) (increase(newswatch_deadletters_total{undelivered}[{RATE}])) or on() vector(0)",
               "{{stage}} undelivered", "C"),
         query(f"sum by (stage) (increase(newswatch_deadletters_without_original_total{sel()}[{RATE}]))"
               " or on() vector(0)", "{{stage}} dead letters without their record", "D")],
        axis="count", width=16))
    board = board.with_panel(single(
        "Records not read at a group's start", "Records of news.raw older than NEWSWATCH_HOP_START_AT that "
        "the process hop's group, starting with no committed offset (neither its own nor faust's), passed over "
        "in the time range (newswatch_process_hop_start_skipped). The worker's warning \"never read\" names "
        "the offsets.",
        query(f"sum(increase(newswatch_process_hop_start_skipped_total{sel()}[$__range]))", "records"),
        width=8))

    # ------------------------------------------------------------------ alerts
    board = board.with_row(dashboard_builder.Row("Alerts"))
    board = board.with_panel(series(
        "Alerts raised by rule and severity", "New alert ids published per minute, by rule and severity "
        "(newswatch_alerts_raised). Alert NewswatchAlertStorm fires when a rule raises far above its daily "
        "average.",
        [query(f"60 * sum by (rule, severity) (rate(newswatch_alerts_raised_total{sel()}[{RATE}]))",
               "{{rule}} ({{severity}})")],
        axis="alerts/min", width=8))
    board = board.with_panel(series(
        "Alert updates (corroborations)", "Updates to alerts already published, per minute: another article "
        "corroborated them (newswatch_alert_updates); and alerts withdrawn (newswatch_alert_retractions).",
        [query(f"60 * sum by (rule, severity) (rate(newswatch_alert_updates_total{sel()}[{RATE}]))",
               "{{rule}} ({{severity}}) updated", "A"),
         query(f"60 * sum by (rule) (rate(newswatch_alert_retractions_total{sel()}[{RATE}]))",
               "{{rule}} retracted", "B")],
        axis="alerts/min", width=8))
    board = board.with_panel(
        table.Panel().title("Alerts by rule in the time range")
        .description("New alerts and updates per rule and severity over the dashboard's time range "
                     "(increase of newswatch_alerts_raised and newswatch_alert_updates).")
        .datasource(DATASOURCE).span(8).height(8)
        .with_target(query(f"sum by (rule, severity) (increase(newswatch_alerts_raised_total{sel()}[$__range]))",
                           "raised", "A", instant=True, table_format=True))
        .with_target(query(f"sum by (rule, severity) (increase(newswatch_alert_updates_total{sel()}[$__range]))",
                           "updated", "B", instant=True, table_format=True))
        .with_transformation(model.DataTransformerConfig(id_val="merge", options={}))
        .with_transformation(model.DataTransformerConfig(id_val="organize", options={
            "excludeByName": {"Time": True},
            "indexByName": {"rule": 0, "severity": 1, "Value #A": 2, "Value #B": 3},
            "renameByName": {"Value #A": "new alerts", "Value #B": "updates"},
        }))
        .sort_by([common_builder.TableSortByFieldState().display_name("new alerts").desc(True)])
        .decimals(0))

    # ------------------------------------------------------------------ edges: ingest and notify
    board = board.with_row(dashboard_builder.Row("Ingest and notify"))
    board = board.with_panel(series(
        "Ingest: items per source", "Per source and second: items listed (newswatch_ingest_items_seen), new "
        "ones (items_new), pages fetched (pages_fetched), text extracted (articles_extracted) and articles "
        "committed to news.raw (articles_emitted).",
        [query(f"sum by (source) (rate(newswatch_ingest_items_seen_total{sel()}[{RATE}]))", "{{source}} listed", "A"),
         query(f"sum by (source) (rate(newswatch_ingest_items_new_total{sel()}[{RATE}]))", "{{source}} new", "B"),
         query(f"sum by (source) (rate(newswatch_ingest_pages_fetched_total{sel()}[{RATE}]))", "{{source}} fetched",
               "C"),
         query(f"sum by (source) (rate(newswatch_ingest_articles_extracted_total{sel()}[{RATE}]))",
               "{{source}} extracted", "D"),
         query(f"sum by (source) (rate(newswatch_ingest_articles_emitted_total{sel()}[{RATE}]))",
               "{{source}} emitted", "E")],
        axis="items/s", width=8))
    board = board.with_panel(series(
        "Ingest: failures by source and reason", "Listing and page fetches that failed, per second "
        "(newswatch_ingest_failed: timeout, connect, http_4xx, http_5xx, too_large, redirects, robots, parse, "
        "extract, fenced); and the p95 fetch time (newswatch_ingest_fetch_seconds).",
        [query(f"sum by (source, reason) (rate(newswatch_ingest_failed_total{sel()}[{RATE}]))",
               "{{source}} {{reason}}", "A"),
         query(f"histogram_quantile(0.95, sum by (source, le) (rate(newswatch_ingest_fetch_seconds_bucket{sel()}"
               f"[{RATE}])))", "{{source}} p95 fetch s", "B")],
        axis="per s", width=8))
    board = board.with_panel(series(
        "Notify: deliveries and failures", "Notifications destinations accepted (newswatch_notify_delivered) "
        "and attempts refused or unanswered (newswatch_notify_failed) per minute; destinations retrying now "
        "(newswatch_notify_pending); p95 from the alert record to the destination accepting "
        "(newswatch_notify_latency_seconds).",
        [query(f"60 * sum by (subscription, destination) (rate(newswatch_notify_delivered_total{sel()}[{RATE}]))",
               "{{subscription}}/{{destination}} delivered", "A"),
         query(f"60 * sum by (destination, reason) (rate(newswatch_notify_failed_total{sel()}[{RATE}]))",
               "{{destination}} failed {{reason}}", "B"),
         query(f"sum by (destination) (newswatch_notify_pending{sel()})", "{{destination}} pending", "C"),
         query(f"histogram_quantile(0.95, sum by (destination, le) (rate(newswatch_notify_latency_seconds_bucket"
               f"{sel()}[{RATE}])))", "{{destination}} p95 s", "D")],
        axis="per min", width=8))

    board_json: dict[str, Any] = json.loads(json.dumps(board.build(), cls=JSONEncoder))
    for number, panel in enumerate(_all_panels(board_json), start=1):
        panel["id"] = number
    return board_json


def _all_panels(board: dict[str, Any]) -> list[dict[str, Any]]:
    out: list[dict[str, Any]] = []
    for panel in board.get("panels", []) or []:
        out.append(panel)
        out.extend(_all_panels(panel))
    return out


def render() -> str:
    """The dashboard JSON text: sorted keys, two-space indent, trailing newline."""
    return json.dumps(build(), indent=2, sort_keys=True, ensure_ascii=False) + "\n"


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--check", action="store_true",
                        help="exit 1 if the committed JSON differs from what this script generates")
    parser.add_argument("--output", type=Path, default=OUTPUT, help=f"where to write (default {OUTPUT})")
    args = parser.parse_args(argv)
    text = render()
    if args.check:
        current = args.output.read_text(encoding="utf-8") if args.output.exists() else ""
        if current != text:
            diff = difflib.unified_diff(current.splitlines(keepends=True), text.splitlines(keepends=True),
                                        str(args.output), "generated", n=2)
            sys.stderr.writelines(list(diff)[:200])
            print(f"{args.output} is out of date: run python deploy/grafana/dashboard.py", file=sys.stderr)
            return 1
        print(f"{args.output} is up to date")
        return 0
    args.output.parent.mkdir(parents=True, exist_ok=True)
    args.output.write_text(text, encoding="utf-8")
    print(f"wrote {args.output}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
