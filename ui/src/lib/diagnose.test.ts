import { describe, expect, it } from "vitest";
import type { AttentionItemView } from "./bindings";
import {
  signalRuns,
  attentionBadge,
  attentionFailure,
  attentionKindLabel,
  groupAttention,
  attentionLink,
  controlWindow,
  previousQuarter,
  pText,
  signedPart,
  strength,
} from "./diagnose";
import { setDateLocale } from "./format";

function item(scope: AttentionItemView["scope"]): AttentionItemView {
  return {
    kind: "target_missed",
    metric_id: "service_level",
    metric_name: "Service level",
    unit: "ratio",
    scope,
    scope_label: scope ? `${scope.dimension} ${scope.value}` : "Whole account",
    score: 115,
    message: "",
    value: 0.737,
    newly: true,
    rules: [],
    weeks: [],
    status: "red",
  };
}

describe("attentionFailure", () => {
  it("says nothing for a list the backend stopped because another period was asked for", () => {
    expect(attentionFailure({ code: "cancelled", message: "the computation was cancelled" })).toBeNull();
  });
  it("says any other failure", () => {
    expect(attentionFailure({ code: "internal", message: "disk full" })).toBe("disk full");
    expect(attentionFailure({ code: "not_found", message: "no workspace is open" })).toBe("no workspace is open");
  });
});

describe("attention", () => {
  it("colours a target missed by its status: amber is near the target, not off it", () => {
    expect(attentionBadge({ ...item(null), status: "amber" })).toEqual({ status: "amber", symbol: "!", word: "Near target" });
    expect(attentionBadge(item(null))).toEqual({ status: "red", symbol: "✕", word: "Off target" });
    expect(attentionBadge({ ...item(null), kind: "signal", status: "none" }).status).toBe("none");
  });
  it("groups items by scope in the order the scopes first appear, keeping their rank", () => {
    const tech = { ...item({ dimension: "program", value: "Tech Support" }), scope_label: "Tech Support" };
    const a = { ...tech, message: "a" };
    const b = { ...item(null), message: "b" };
    const c = { ...tech, message: "c" };
    const g = groupAttention([a, b, c]);
    expect(g.map((x) => x.scope)).toEqual(["Tech Support", "Whole account"]);
    expect(g[0]?.items.map((x) => x.message)).toEqual(["a", "c"]);
  });
  it("links to the metric, broken down by the item's dimension", () => {
    expect(attentionLink(item({ dimension: "program", value: "Tech Support" }))).toEqual({
      metric: "service_level",
      by: "program",
    });
    expect(attentionLink(item(null))).toEqual({ metric: "service_level", by: null });
  });
  it("names every kind", () => {
    expect(attentionKindLabel("signal")).toBe("Control-chart signal");
    expect(attentionKindLabel("target_missed")).toBe("Target missed");
  });
});

describe("controlWindow", () => {
  it("takes 52 whole weeks to the period's end and the weeks before the period as baseline", () => {
    // 2026-09-30 is a Wednesday; 51 weeks earlier is 2025-10-08, whose Monday is 2025-10-06.
    expect(controlWindow("2026-07-01", "2026-09-30")).toEqual({
      from: "2025-10-06",
      to: "2026-09-30",
      baselineFrom: "2025-10-06",
      baselineTo: "2026-06-30",
    });
  });
});

describe("previousQuarter", () => {
  it("steps back a quarter, across years and fiscal labels", () => {
    expect(previousQuarter("2026-Q3")).toBe("2026-Q2");
    expect(previousQuarter("2026-Q1")).toBe("2025-Q4");
    expect(previousQuarter("FY27-Q1")).toBe("FY26-Q4");
    expect(previousQuarter("2026-08")).toBeNull();
  });
});

describe("figures", () => {
  it("signs parts in the metric's unit", () => {
    expect(signedPart(24.47, "seconds")).toBe("+24.5 s");
    expect(signedPart(-0.0578, "ratio")).toBe("−5.78 pp");
    expect(signedPart(0, "score")).toBe("±0.00");
  });
  it("reads correlations and p-values in words", () => {
    expect(strength(-0.925)).toBe("strong negative relationship");
    expect(strength(0.45)).toBe("moderate positive relationship");
    expect(strength(0.1)).toBe("no clear relationship");
    expect(pText(0.0004)).toBe("p < 0.001");
    expect(pText(0.124027)).toBe("p = 0.124");
    expect(pText(null)).toBe("p not available");
  });
});

describe("control-chart signals", () => {
  // ISO 2026-W28 runs from Monday 6 Jul to Sunday 12 Jul 2026 (1 Jan 2026 is a Thursday, so W01
  // starts on 29 Dec 2025); the chart's first week is cut to start on Wednesday 8 Jul.
  const weeks = ["2026-W28", "2026-W29", "2026-W30", "2026-W31", "2026-W32", "2026-W33", "2026-W34"].map((label, i) => ({
    label,
    start: i === 0 ? "2026-07-08" : new Date(Date.UTC(2026, 6, 6 + 7 * i)).toISOString().slice(0, 10),
    end: new Date(Date.UTC(2026, 6, 12 + 7 * i)).toISOString().slice(0, 10),
  }));
  const beyond = (w: string, direction = "below") => ({ rule: "beyond_limits", label: "Point beyond the limits", start: w, end: w, direction });
  it("reads neighbouring weeks of one rule as one run", () => {
    const runs = signalRuns([beyond("2026-W31"), beyond("2026-W29"), beyond("2026-W30"), beyond("2026-W33")], weeks);
    expect(runs.map((r) => [r.start, r.end, r.signals])).toEqual([
      ["2026-W29", "2026-W31", 3],
      ["2026-W33", "2026-W33", 1],
    ]);
    // Runs read as days: W29 starts Mon 13 Jul, W31 ends Sun 2 Aug; W33 is 10 to 16 Aug.
    expect(runs.map((r) => r.days)).toEqual(["13 Jul – 2 Aug 2026", "10 Aug – 16 Aug 2026"]);
  });
  it("starts a run at the first day the chart shows, in the workspace's locale", () => {
    try {
      setDateLocale("en-US");
      const runs = signalRuns([beyond("2026-W28"), beyond("2026-W29")], weeks);
      expect(runs.map((r) => r.days)).toEqual(["Jul 8 – Jul 19, 2026"]);
    } finally {
      setDateLocale("en-GB");
    }
  });
  it("keeps other rules and directions apart, and merges overlapping windows", () => {
    const run8 = { rule: "run_of_8", label: "Run of 8", start: "2026-W28", end: "2026-W32", direction: "above" };
    const run8b = { ...run8, start: "2026-W29", end: "2026-W33" };
    const runs = signalRuns([beyond("2026-W30", "above"), run8, run8b, beyond("2026-W31")], weeks);
    expect(runs.map((r) => [r.rule, r.direction, r.start, r.end, r.signals])).toEqual([
      ["run_of_8", "above", "2026-W28", "2026-W33", 2],
      ["beyond_limits", "above", "2026-W30", "2026-W30", 1],
      ["beyond_limits", "below", "2026-W31", "2026-W31", 1],
    ]);
  });
});
