import { describe, expect, it } from "vitest";
import type { DetectionView } from "./bindings";
import { questionColumns, unclearQuestions } from "./questions";

function detection(file: string, questions: DetectionView["questions"]): DetectionView {
  return {
    file_name: file,
    format: "delimited",
    sheet: null,
    kind: "surveys",
    preset: "qualtrics_survey",
    header: [],
    mapping: [],
    unmapped: [],
    preview: [],
    date_order: "not_needed",
    template: null,
    fields_by_kind: {},
    questions,
    readings: [],
    decimal_mark: "not_needed",
    encoding: null,
  };
}

describe("unclear survey questions", () => {
  it("asks once per rating over every file picked, each candidate column once", () => {
    const agent = { header: "Q1", text: "How satisfied were you with the agent?" };
    const product = { header: "Q3", text: "How satisfied are you with our products?" };
    const asked = unclearQuestions([
      detection("july.csv", [{ field: "csat", candidates: [agent, product] }]),
      detection("august.csv", [{ field: "csat", candidates: [agent, product] }]),
      detection("plain.csv", []),
    ]);
    expect(asked).toEqual([{ field: "csat", label: "CSAT", candidates: [agent, product] }]);
  });

  it("asks nothing when every rating is clear", () => {
    expect(unclearQuestions([detection("survey.csv", [])])).toEqual([]);
  });

  it("passes the chosen columns, none included, and leaves unasked ones null", () => {
    expect(questionColumns({ csat: "Q3" })).toEqual({ csat_column: "Q3", ces_column: null });
    expect(questionColumns({ csat: "none", ces: " " })).toEqual({ csat_column: "none", ces_column: null });
  });
});
