import { describe, expect, it } from "vitest";
import type { MetricDefinitionView, MetricEntryView, MetricsReport } from "./bindings";
import { glance, nextQuarter, statusCounts } from "./overview";

const def = (id: string): MetricDefinitionView => ({
  id, name: id, unit: "ratio", direction: "higher", formula: "", formula_words: "", sample_words: null, family: "service", builtin: true, min_sample: null,
});
const entry = (status: string, target: boolean, value: number | null = 0.5): MetricEntryView => ({
  value, numerator: null, denominator: null, n: null, unit: "ratio", status, previous: null, year_ago: null,
  target: target ? { id: 1, metric_id: "x", scope: null, direction: "at_least", value: 0.8, value_high: null, tolerance: 0.05, effective_from: "2026-01-01", effective_to: null } : null,
  change_previous: null, change_year_ago: null, flags: [], reason: null, coverage: null, notes: [],
});

function report(metrics: Record<string, MetricEntryView>): MetricsReport {
  return {
    period: { label: "2026-Q3", start: "2026-07-01", end: "2026-09-30", grain: "quarter" },
    previous_period: null, year_ago_period: null, currency: "EUR",
    definitions: Object.keys(metrics).map(def),
    groups: [{ key: {}, label: "Whole account", metrics }],
  };
}

describe("the overview's glance", () => {
  it("puts the contract's metrics first, then the headline figures with a value", () => {
    const r = report({
      offered: entry("none", false, 1000),
      occupancy: entry("none", false),
      csat: entry("red", true),
      aht: entry("none", false, null),
      service_level: entry("amber", true),
    });
    expect(glance(r).map((x) => x.definition.id)).toEqual(["csat", "service_level", "offered"]);
  });
  it("counts on, near and off target", () => {
    const r = report({ a: entry("green", true), b: entry("green", true), c: entry("amber", true), d: entry("red", true), e: entry("none", false) });
    expect(statusCounts(r)).toEqual({ green: 2, amber: 1, red: 1 });
  });
});

describe("service level and ASA per channel", () => {
  const channel = (name: string, sl: MetricEntryView) => ({ key: { channel: name }, label: name, metrics: { service_level: sl } });
  it("splits the blended figure into one tile per channel, each with its own status", () => {
    const r = report({ service_level: entry("red", true, 0.778), csat: entry("green", true) });
    const byChannel = [channel("voice", entry("red", true, 0.762)), channel("chat", entry("amber", true, 0.809)), channel("email", entry("green", true, 0.9))];
    const g = glance(r, byChannel);
    expect(g.map((t) => [t.definition.id, t.channel, t.entry.value])).toEqual([
      ["service_level", "Voice", 0.762],
      ["service_level", "Chat", 0.809],
      ["service_level", "Email", 0.9],
      ["csat", null, 0.5],
    ]);
    // The blended 77.8% (red) is not counted; each channel is, against its own target.
    expect(statusCounts(r, byChannel)).toEqual({ green: 2, amber: 1, red: 1 });
  });
  it("keeps the whole account's figure when only one channel has data", () => {
    const r = report({ service_level: entry("red", true, 0.778) });
    const g = glance(r, [channel("voice", entry("red", true, 0.778)), channel("email", entry("none", false, null))]);
    expect(g.map((t) => [t.channel, t.entry.value])).toEqual([[null, 0.778]]);
  });
});

describe("the next quarter", () => {
  it("follows calendar and fiscal labels across the year", () => {
    expect(nextQuarter("2026-Q3")).toBe("2026-Q4");
    expect(nextQuarter("2026-Q4")).toBe("2027-Q1");
    expect(nextQuarter("FY27-Q4")).toBe("FY28-Q1");
    expect(nextQuarter("2026-08")).toBeNull();
  });
});
