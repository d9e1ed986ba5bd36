/**
 * Spend you can see: the Grafana dashboard of the gateway's spend and use per consumer and per model, from
 * LiteLLM's own Prometheus series (its `prometheus` callback, integrations/prometheus.py of litellm 1.110.2: the
 * counters litellm_spend_metric, litellm_total_tokens_metric and litellm_proxy_total_requests_metric, the gauge
 * litellm_remaining_api_key_budget_metric, each labelled by the key's alias, which is the consumer's name here),
 * and where an operator reads the same numbers from LiteLLM's API.
 */
import { url } from "./decisions";
import { NAMES, PORTS } from "./names";

/** The series the dashboard reads, as Prometheus exposes them (a counter gets `_total`), with the labels it groups by. */
export const SPEND_SERIES = {
  spend: { metric: "litellm_spend_metric_total", labels: ["api_key_alias", "model"] },
  tokens: { metric: "litellm_total_tokens_metric_total", labels: ["api_key_alias", "model"] },
  requests: { metric: "litellm_proxy_total_requests_metric_total", labels: ["api_key_alias", "requested_model", "status_code"] },
  budget: { metric: "litellm_remaining_api_key_budget_metric", labels: ["api_key_alias"] },
} as const;

export const SPEND_DASHBOARD = { name: "llm-gateway-spend", title: "LLM gateway: spend per consumer and model", uid: "llm-gateway-spend" } as const;

type Panel = { title: string; type: "timeseries" | "bargauge" | "table"; expr: string; legend: string; unit: string };

const PANELS: readonly Panel[] = [
  { title: "Spend per consumer (USD, in the range)", type: "bargauge", expr: `sum by (api_key_alias) (increase(${SPEND_SERIES.spend.metric}[$__range]))`, legend: "{{api_key_alias}}", unit: "currencyUSD" },
  { title: "Spend per model (USD, in the range)", type: "bargauge", expr: `sum by (model) (increase(${SPEND_SERIES.spend.metric}[$__range]))`, legend: "{{model}}", unit: "currencyUSD" },
  { title: "Spend rate per consumer (USD/h)", type: "timeseries", expr: `sum by (api_key_alias) (rate(${SPEND_SERIES.spend.metric}[5m])) * 3600`, legend: "{{api_key_alias}}", unit: "currencyUSD" },
  { title: "Tokens per consumer and model (in the range)", type: "table", expr: `sum by (api_key_alias, model) (increase(${SPEND_SERIES.tokens.metric}[$__range]))`, legend: "{{api_key_alias}} / {{model}}", unit: "short" },
  { title: "Requests per consumer (per second, by status)", type: "timeseries", expr: `sum by (api_key_alias, status_code) (rate(${SPEND_SERIES.requests.metric}[5m]))`, legend: "{{api_key_alias}} {{status_code}}", unit: "reqps" },
  { title: "Budget left per consumer (USD)", type: "bargauge", expr: `max by (api_key_alias) (${SPEND_SERIES.budget.metric})`, legend: "{{api_key_alias}}", unit: "currencyUSD" },
];

/** The dashboard's JSON (Grafana's dashboard model), on the default Prometheus datasource kube-prometheus-stack provisions. */
export function spendDashboard(): object {
  return {
    uid: SPEND_DASHBOARD.uid,
    title: SPEND_DASHBOARD.title,
    tags: ["llm-platform", "litellm"],
    timezone: "browser",
    schemaVersion: 39,
    time: { from: "now-7d", to: "now" },
    refresh: "1m",
    panels: PANELS.map((p, i) => ({
      id: i + 1,
      title: p.title,
      type: p.type,
      gridPos: { h: 8, w: 12, x: (i % 2) * 12, y: Math.floor(i / 2) * 8 },
      datasource: { type: "prometheus", uid: "prometheus" },
      fieldConfig: { defaults: { unit: p.unit }, overrides: [] },
      targets: [{ refId: "A", expr: p.expr, legendFormat: p.legend, ...(p.type === "table" ? { format: "table", instant: true } : {}) }],
    })),
  };
}

/** Where to look, for the stack output: the dashboard, and LiteLLM's own spend routes (with the master key). */
export function spendHelp(namespace: string, monitoring: boolean): Record<string, string> {
  const api = url(NAMES.litellm, PORTS.litellm, namespace);
  return {
    dashboard: monitoring ? `Grafana, dashboard "${SPEND_DASHBOARD.title}" (uid ${SPEND_DASHBOARD.uid})` : "turn monitoringEnabled on for the spend dashboard",
    perConsumer: `curl -H "Authorization: Bearer $(pulumi stack output --show-secrets suites | jq -r '.["llm-stack"].gateway.masterKey')" "${api}/key/info?key=<the consumer's key>"`,
    perKeyLogs: `${api}/spend/logs?api_key=<key>&start_date=<YYYY-MM-DD>&end_date=<YYYY-MM-DD> (master key)`,
    perModel: `${api}/global/spend/models (master key)`,
  };
}
