// The scorecard's pure helpers: metric families in the order an account manager reads them, and
// a metric's formula in words with the period's own numbers.
import type { MetricDefinitionView, MetricEntryView } from "./bindings";
import { metricValue, thousands } from "./format";

/** Families in reading order, with their headings. */
export const FAMILIES: Record<string, string> = {
  service: "Service",
  customer: "Customer",
  efficiency: "Efficiency",
  people: "People",
  money: "Money",
  other: "Your own metrics",
};

/** The report's metrics by family, families in reading order and metrics in the report's order;
 * a family with no metric is left out. */
export function familiesOf(definitions: MetricDefinitionView[]): { id: string; definitions: MetricDefinitionView[] }[] {
  const order = Object.keys(FAMILIES);
  const out: { id: string; definitions: MetricDefinitionView[] }[] = [];
  for (const d of definitions) {
    const id = order.includes(d.family) ? d.family : "other";
    let f = out.find((x) => x.id === id);
    if (!f) {
      f = { id, definitions: [] };
      out.push(f);
    }
    f.definitions.push(d);
  }
  return out.sort((a, b) => order.indexOf(a.id) - order.indexOf(b.id));
}

/** What a value is out of, shown after it: CES is on a 1–7 scale. */
export function scaleSuffix(unit: string): string {
  return unit === "scale_1_7" ? " / 7" : "";
}

/** A sum as its unit reads: seconds in hours when large, money in the currency, else a count. */
function sumText(v: number, unit: string, currency: string): string {
  if (unit === "seconds") return v >= 36_000 ? `${thousands(v / 3600)} h` : `${thousands(v)} s`;
  if (unit === "money") return metricValue(v, "money", currency);
  return thousands(v);
}

/** The tooltip of a figure: the formula in words, then the period's numbers. */
export function formulaLines(d: MetricDefinitionView, e: MetricEntryView | undefined, currency: string): string[] {
  const lines = [`${d.name} = ${d.formula_words}`];
  if (e?.value != null && e.numerator != null && e.denominator != null) {
    // The numerator carries the metric's unit (seconds for a time, money for a cost); the
    // denominator is a count.
    const numUnit = d.unit === "seconds" || d.unit === "money" ? d.unit : "count";
    lines.push(`= ${sumText(e.numerator, numUnit, currency)} ÷ ${thousands(e.denominator)} = ${metricValue(e.value, d.unit, currency)}`);
  } else if (e?.value == null && e?.reason) {
    lines.push(`No value: ${e.reason}.`);
  }
  if (e?.n != null && d.sample_words) lines.push(`Over ${thousands(e.n)} ${d.sample_words}.`);
  return lines;
}
