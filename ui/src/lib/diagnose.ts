// Pure helpers for the diagnostic views (attention list, control chart, drivers, correlation,
// staffing): what to link to, which dates to ask for, and how figures read.
import type { AttentionItemView, ErrorView } from "./bindings";
import { dateSpan } from "./format";

/** What the attention list says when its request failed: nothing when the backend stopped it
 * because another period was asked for meanwhile (its list follows, once that period's scorecard
 * is on screen), else the error's message. */
export function attentionFailure(e: ErrorView): string | null {
  return e.code === "cancelled" ? null : e.message;
}

/** The words for an attention item's kind. */
export function attentionKindLabel(kind: string): string {
  switch (kind) {
    case "target_missed":
      return "Target missed";
    case "signal":
      return "Control-chart signal";
    case "large_move":
      return "Large move";
    case "low_sample":
      return "Low sample";
    default:
      return kind;
  }
}

/** An attention item's badge: a target missed in its status's colour and words (amber is near
 * the target, not a miss in red), the other kinds in neutral. */
export function attentionBadge(item: AttentionItemView): { status: string; symbol: string; word: string } {
  if (item.kind === "target_missed") {
    return item.status === "amber"
      ? { status: "amber", symbol: "!", word: "Near target" }
      : { status: "red", symbol: "✕", word: "Off target" };
  }
  switch (item.kind) {
    case "signal":
      return { status: "none", symbol: "◆", word: "Chart signal" };
    case "large_move":
      return { status: "none", symbol: "↕", word: "Large move" };
    case "low_sample":
      return { status: "none", symbol: "·", word: "Low sample" };
    default:
      return { status: "none", symbol: "·", word: item.kind };
  }
}

/** Items grouped by scope, in the order the scopes first appear (so the most important scope
 * comes first); items keep their rank within a scope. */
export function groupAttention(items: AttentionItemView[]): { scope: string; items: AttentionItemView[] }[] {
  const out: { scope: string; items: AttentionItemView[] }[] = [];
  for (const item of items) {
    let g = out.find((x) => x.scope === item.scope_label);
    if (!g) {
      g = { scope: item.scope_label, items: [] };
      out.push(g);
    }
    g.items.push(item);
  }
  return out;
}

/** Where an attention item leads: the metric's detail, broken down by the item's dimension. */
export function attentionLink(item: AttentionItemView): { metric: string; by: string | null } {
  return { metric: item.metric_id, by: item.scope?.dimension ?? null };
}

function iso(d: Date): string {
  return d.toISOString().slice(0, 10);
}

function parse(isoDate: string): Date {
  return new Date(`${isoDate}T00:00:00Z`);
}

function addDays(d: Date, n: number): Date {
  return new Date(d.getTime() + n * 86_400_000);
}

/** The Monday of `d`'s ISO week. */
function monday(d: Date): Date {
  const dow = (d.getUTCDay() + 6) % 7; // Monday 0 … Sunday 6
  return addDays(d, -dow);
}

/**
 * The weekly control chart for a period: the 52 weeks ending with the period's last day, whole
 * weeks from a Monday; the limits come from the weeks before the period (the baseline).
 */
export function controlWindow(
  periodStart: string,
  periodEnd: string,
): { from: string; to: string; baselineFrom: string; baselineTo: string } {
  const end = parse(periodEnd);
  const from = monday(addDays(end, -7 * 51));
  const baselineTo = addDays(parse(periodStart), -1);
  return { from: iso(from), to: periodEnd, baselineFrom: iso(from), baselineTo: iso(baselineTo) };
}

/** The quarter before `2026-Q3` (or `FY27-Q1`); null for any other label. */
export function previousQuarter(label: string): string | null {
  const m = /^(FY)?(\d{2,4})-Q([1-4])$/.exec(label);
  if (!m) return null;
  const year = Number(m[2]);
  const q = Number(m[3]);
  const width = (m[2] ?? "").length;
  const y = q === 1 ? year - 1 : year;
  const yText = String(y).padStart(width, "0");
  return `${m[1] ?? ""}${yText}-Q${q === 1 ? 4 : q - 1}`;
}

/** A signed part of a change in the metric's unit: "+24.5 s", "−5.78 pp", "+0.12". */
export function signedPart(value: number, unit: string): string {
  const sign = value > 0 ? "+" : value < 0 ? "−" : "±";
  const a = Math.abs(value);
  if (unit === "ratio") return `${sign}${(a * 100).toFixed(2)} pp`;
  if (unit === "seconds") return `${sign}${a.toFixed(1)} s`;
  return `${sign}${a.toFixed(2)}`;
}

/** How strong a correlation coefficient is, in words a client reads. */
export function strength(r: number): string {
  const a = Math.abs(r);
  const size = a >= 0.7 ? "strong" : a >= 0.4 ? "moderate" : a >= 0.2 ? "weak" : "no clear";
  if (size === "no clear") return "no clear relationship";
  return `${size} ${r > 0 ? "positive" : "negative"} relationship`;
}

/** A p-value as a reader sees it: "p < 0.001" or "p = 0.124". */
export function pText(p: number | null): string {
  if (p === null) return "p not available";
  return p < 0.001 ? "p < 0.001" : `p = ${p.toFixed(3)}`;
}

/** Control-chart signals as runs: signals of the same rule and direction whose buckets touch or
 * overlap (`periods` are the chart's buckets in order, each with its label and days) read as one
 * stretch of days in the workspace's locale, "20 Jul – 16 Aug 2026", not a line per week (`start`
 * and `end` stay the buckets' labels). Runs keep the order of their first bucket. */
export function signalRuns(
  signals: { rule: string; label: string; start: string; end: string; direction: string }[],
  periods: { label: string; start: string; end: string }[],
): { rule: string; label: string; direction: string; start: string; end: string; signals: number; days: string }[] {
  const at = (l: string) => {
    const i = periods.findIndex((p) => p.label === l);
    return i < 0 ? Number.NaN : i;
  };
  const sorted = [...signals].sort((a, b) => at(a.start) - at(b.start) || at(a.end) - at(b.end));
  const runs: { rule: string; label: string; direction: string; start: string; end: string; signals: number; days: string }[] = [];
  for (const s of sorted) {
    const prev = [...runs].reverse().find((r) => r.rule === s.rule && r.direction === s.direction);
    if (prev && at(s.start) <= at(prev.end) + 1) {
      if (at(s.end) > at(prev.end)) prev.end = s.end;
      prev.signals += 1;
    } else {
      runs.push({ rule: s.rule, label: s.label, direction: s.direction, start: s.start, end: s.end, signals: 1, days: "" });
    }
  }
  for (const r of runs) {
    const first = periods[at(r.start)];
    const last = periods[at(r.end)];
    r.days = first && last ? dateSpan(first.start, last.end) : r.start === r.end ? r.end : `${r.start} to ${r.end}`;
  }
  return runs;
}
