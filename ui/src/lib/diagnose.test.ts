import { describe, expect, it } from "vitest";
import type { AttentionItemView } from "./bindings";
import {
  attentionKindLabel,
  attentionLink,
  controlWindow,
  previousQuarter,
  pText,
  signedPart,
  strength,
} from "./diagnose";

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
  };
}

describe("attention", () => {
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
