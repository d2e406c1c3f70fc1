// The account overview's pure helpers: which figures make the quarter's glance, how many meet
// their target, and which quarter comes next.
import type { GroupView, MetricDefinitionView, MetricEntryView, MetricsReport } from "./bindings";
import { memberText } from "./format";

/** The figures an account manager looks at first, when the report has them. */
const HEADLINE = ["offered", "service_level", "asa", "abandon_rate", "aht", "fcr", "csat", "nps", "cost_per_contact"];
/** Figures whose meaning changes with the channel (an email answered in hours, a call in
 * seconds): shown per channel, each against its own target, as the scorecard and the pack do. */
export const PER_CHANNEL = ["service_level", "asa"];
/** At most this many figures in the glance. */
export const GLANCE_MAX = 12;

/** One figure of the glance: a metric for the whole account, or for one channel ("Voice"). */
export interface GlanceTile {
  definition: MetricDefinitionView;
  entry: MetricEntryView;
  channel: string | null;
}

/** A per-channel metric's entries, one per channel with a value; empty when fewer than two
 * channels have one (then the whole account's figure is the channel's). */
function channelTiles(definition: MetricDefinitionView, byChannel: GroupView[]): GlanceTile[] {
  if (!PER_CHANNEL.includes(definition.id)) return [];
  const tiles: GlanceTile[] = byChannel.flatMap((g) => {
    const entry = g.metrics[definition.id];
    return entry != null && entry.value != null ? [{ definition, entry, channel: memberText("channel", g.key.channel ?? g.label) }] : [];
  });
  return tiles.length > 1 ? tiles : [];
}

/** The whole account's figures with the per-channel metrics split by channel. */
function figures(report: MetricsReport, byChannel: GroupView[]): GlanceTile[] {
  const whole = report.groups[0]?.metrics ?? {};
  return report.definitions.flatMap((definition) => {
    const entry = whole[definition.id];
    if (entry == null) return [];
    const split = channelTiles(definition, byChannel);
    return split.length > 0 ? split : [{ definition, entry, channel: null }];
  });
}

/** The glance: every figure with a contract target (the contract comes first), then the headline
 * figures, in the report's order, at most GLANCE_MAX, each with a value or a reason. Service level
 * and ASA are per channel when more than one channel has data (`byChannel`, the scorecard's). */
export function glance(report: MetricsReport, byChannel: GroupView[] = []): GlanceTile[] {
  const all = figures(report, byChannel);
  const targeted = all.filter((x) => x.entry.target != null);
  const headline = all.filter((x) => x.entry.target == null && HEADLINE.includes(x.definition.id) && x.entry.value != null);
  return [...targeted, ...headline].slice(0, GLANCE_MAX);
}

/** How many figures are on, near and off target (per channel where the glance splits them). */
export function statusCounts(report: MetricsReport, byChannel: GroupView[] = []): { green: number; amber: number; red: number } {
  const out = { green: 0, amber: 0, red: 0 };
  for (const { entry: e } of figures(report, byChannel)) {
    if (e.status === "green" || e.status === "amber" || e.status === "red") out[e.status] += 1;
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
