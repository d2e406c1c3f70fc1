import { describe, expect, it } from "vitest";
import type { MetricDefinitionView, MetricEntryView } from "./bindings";
import { familiesOf, formulaLines, scaleSuffix } from "./scorecard";

function def(id: string, family: string, unit = "ratio"): MetricDefinitionView {
  return {
    id,
    name: id === "aht" ? "Average handle time" : id,
    unit,
    direction: "higher",
    formula: "",
    formula_words: id === "aht" ? "handle time ÷ contacts handled" : "a ÷ b",
    sample_words: id === "aht" ? "contacts handled" : null,
    family,
    builtin: true,
    min_sample: null,
  };
}

function entry(value: number | null, numerator: number | null, denominator: number | null, n: number | null): MetricEntryView {
  return {
    value, numerator, denominator, n, unit: "seconds", target: null, status: "none", previous: null, year_ago: null,
    change_previous: null, change_year_ago: null, flags: [], reason: value == null ? "no contacts handled" : null,
    coverage: null, notes: [],
  };
}

describe("scorecard families", () => {
  it("groups metrics by family in reading order, keeping each family's own order", () => {
    const f = familiesOf([def("cost", "money"), def("sl", "service"), def("mine", "other"), def("csat", "customer"), def("asa", "service")]);
    expect(f.map((x) => x.id)).toEqual(["service", "customer", "money", "other"]);
    expect(f[0]?.definitions.map((d) => d.id)).toEqual(["sl", "asa"]);
  });
  it("puts an unknown family with the user's own metrics", () => {
    expect(familiesOf([def("x", "weather")]).map((x) => x.id)).toEqual(["other"]);
  });
});

describe("a figure's tooltip", () => {
  it("says the formula in words with the numbers", () => {
    // 1,234,800 s of handle time over 3,000 contacts: 411.6 s = 6:52.
    const lines = formulaLines(def("aht", "efficiency", "seconds"), entry(411.6, 1_234_800, 3000, 3000), "EUR");
    expect(lines).toEqual([
      "Average handle time = handle time ÷ contacts handled",
      "= 343 h ÷ 3,000 = 6:52",
      "Over 3,000 contacts handled.",
    ]);
  });
  it("gives the reason where there is no value", () => {
    const lines = formulaLines(def("aht", "efficiency", "seconds"), entry(null, null, null, null), "EUR");
    expect(lines[1]).toBe("No value: no contacts handled.");
  });
  it("puts CES on its scale", () => {
    expect(scaleSuffix("scale_1_7")).toBe(" / 7");
    expect(scaleSuffix("ratio")).toBe("");
  });
});
