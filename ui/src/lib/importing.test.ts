import { describe, expect, it } from "vitest";
import type { DetectionView, ReadingView } from "./bindings";
import { distinctValues, editedColumns, initialUnitsAndMeanings, readingKey, unconfirmed } from "./importing";

function detection(readings: ReadingView[] = []): DetectionView {
  return {
    file_name: "pwc.csv",
    format: "delimited",
    sheet: null,
    kind: "interactions",
    preset: null,
    header: ["Call Id", "Answered (Y/N)"],
    mapping: [
      { field: "contact_id", header: "Call Id", unit: null, confidence: 0.9, values: [] },
      { field: "wait", header: "Speed", unit: "s", confidence: 0.9, values: [] },
      { field: "outcome", header: "Result", unit: null, confidence: 1, values: [{ value: "Done", means: "handled" }] },
    ],
    unmapped: [],
    preview: [
      ["ID1", "Y"],
      ["ID2", "N"],
      ["ID3", " Y "],
      ["ID4", ""],
    ],
    date_order: "not_needed",
    template: null,
    fields_by_kind: {},
    questions: [],
    readings,
    decimal_mark: "not_needed",
    encoding: null,
  };
}

const inferred: ReadingView = {
  topic: "handled_or_abandoned",
  columns: ["Answered (Y/N)"],
  text: "a contact is handled when …",
  inferred: true,
};
const stated: ReadingView = { topic: "wait", columns: ["Speed"], text: "the queue wait is …", inferred: false };

describe("import wizard helpers", () => {
  it("lists a column's distinct values in first-seen order, trimmed, blanks left out", () => {
    expect(distinctValues(detection(), "Answered (Y/N)")).toEqual(["Y", "N"]);
    expect(distinctValues(detection(), "Nope")).toEqual([]);
  });

  it("sends units and value meanings with the columns, and leaves out unread fields", () => {
    const cols = editedColumns(
      { contact_id: "Call Id", answered_flag: "Answered (Y/N)", queue: "" },
      { wait: "ms" },
      { answered_flag: { Y: "yes", N: "no", "?": "" } },
    );
    expect(cols).toEqual([
      { field: "contact_id", header: "Call Id", unit: null, confidence: 1, values: [] },
      {
        field: "answered_flag",
        header: "Answered (Y/N)",
        unit: null,
        confidence: 1,
        values: [
          { value: "Y", means: "yes" },
          { value: "N", means: "no" },
        ],
      },
    ]);
  });

  it("starts from the detected units and meanings", () => {
    const { units, meanings } = initialUnitsAndMeanings(detection().mapping);
    expect(units).toEqual({ wait: "s" });
    expect(meanings).toEqual({ outcome: { Done: "handled" } });
  });

  it("asks to confirm each inferred reading until confirmed, and none once the user mapped by hand", () => {
    const d = detection([inferred, stated]);
    expect(unconfirmed([d], new Set(), false).map((u) => u.reading.topic)).toEqual(["handled_or_abandoned"]);
    expect(unconfirmed([d], new Set([readingKey(d.file_name, inferred)]), false)).toEqual([]);
    expect(unconfirmed([d], new Set(), true)).toEqual([]);
  });
});
