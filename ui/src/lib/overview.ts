// The account overview's pure helpers: which figures make the quarter's glance, how many meet
// their target, and which quarter comes next.
import type { MetricDefinitionView, MetricEntryView, MetricsReport } from "./bindings";

/** The figures an account manager looks at first, when the report has them. */
const HEADLINE = ["offered", "service_level", "asa", "abandon_rate", "aht", "fcr", "csat", "nps", "cost_per_contact"];
/** At most this many figures in the glance. */
export const GLANCE_MAX = 8;

/** The glance: every metric with a contract target (the contract comes first), then the headline
 * figures, in the report's order, at most GLANCE_MAX, each with a value or a reason. */
export function glance(report: MetricsReport): { definition: MetricDefinitionView; entry: MetricEntryView }[] {
  const whole = report.groups[0]?.metrics ?? {};
  const withEntry = report.definitions
    .map((definition) => ({ definition, entry: whole[definition.id] }))
    .filter((x): x is { definition: MetricDefinitionView; entry: MetricEntryView } => x.entry != null);
  const targeted = withEntry.filter((x) => x.entry.target != null);
  const headline = withEntry.filter((x) => x.entry.target == null && HEADLINE.includes(x.definition.id) && x.entry.value != null);
  return [...targeted, ...headline].slice(0, GLANCE_MAX);
}

/** How many whole-account metrics are on, near and off target. */
export function statusCounts(report: MetricsReport): { green: number; amber: number; red: number } {
  const out = { green: 0, amber: 0, red: 0 };
  for (const e of Object.values(report.groups[0]?.metrics ?? {})) {
    if (e && (e.status === "green" || e.status === "amber" || e.status === "red")) out[e.status] += 1;
  }
  return out;
}

/** The quarter after `2026-Q3` (`2026-Q4`), `2026-Q4` (`2027-Q1`) or `FY27-Q4` (`FY28-Q1`);
 * null for a label that is not a quarter. */
export function nextQuarter(label: string): string | null {
  const m = /^(FY)?(\d{2,4})-Q([1-4])$/.exec(label);
  if (!m) return null;
  const year = Number(m[2]);
  const q = Number(m[3]);
  const width = (m[2] ?? "").length;
  const [y, nq] = q === 4 ? [year + 1, 1] : [year, q + 1];
  return `${m[1] ?? ""}${String(y).padStart(width, "0")}-Q${nq}`;
}
