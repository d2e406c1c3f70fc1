// Pure helpers of the import wizard: which fields take a unit or a value translation, the
// distinct values a column shows in the preview, the columns sent with an edited mapping, and
// which readings still need the user's confirmation. Unit-tested in importing.test.ts.
import type { DetectionView, MappedColumnView, ReadingView } from "./bindings";

/** Fields whose bare numbers need a unit (the wizard offers ms, s, min, h, d). */
export const DURATION_FIELDS = new Set([
  "wait",
  "talk",
  "hold",
  "wrap",
  "handle",
  "answer_wait",
  "asa",
  "aht",
  "avg_talk",
  "avg_hold",
  "avg_wrap",
  "paid",
  "scheduled",
  "adherent",
  "logged_in",
  "available",
  "handling",
]);

export const UNITS: [string, string][] = [
  ["ms", "milliseconds"],
  ["s", "seconds"],
  ["min", "minutes"],
  ["h", "hours"],
  ["d", "days (spreadsheet time)"],
];

/** Fields whose words may need saying what they mean, and the meanings to choose from. */
export const MEANINGS: Record<string, string[]> = {
  outcome: ["handled", "abandoned", "callback", "other"],
  channel: ["voice", "chat", "messaging", "email"],
  answered_flag: ["yes", "no"],
  abandoned_flag: ["yes", "no"],
  transferred: ["yes", "no"],
  resolved: ["yes", "no"],
};

/** The distinct non-blank values of `column` in the preview, in first-seen order (at most 12). */
export function distinctValues(d: DetectionView, column: string): string[] {
  const i = d.header.indexOf(column);
  if (i < 0) return [];
  const seen: string[] = [];
  for (const row of d.preview) {
    const v = (row[i] ?? "").trim();
    if (v !== "" && !seen.includes(v)) seen.push(v);
    if (seen.length >= 12) break;
  }
  return seen;
}

/** The mapping as edited: field → column, units and value meanings, as the import takes it. */
export function editedColumns(
  chosen: Record<string, string>,
  units: Record<string, string>,
  meanings: Record<string, Record<string, string>>,
): MappedColumnView[] {
  return Object.entries(chosen)
    .filter(([, header]) => header !== "")
    .map(([field, header]) => ({
      field,
      header,
      unit: units[field] || null,
      confidence: 1,
      values: Object.entries(meanings[field] ?? {})
        .filter(([, means]) => means !== "")
        .map(([value, means]) => ({ value, means })),
    }));
}

/** The starting units and meanings of a detection's mapping. */
export function initialUnitsAndMeanings(mapping: MappedColumnView[]): {
  units: Record<string, string>;
  meanings: Record<string, Record<string, string>>;
} {
  const units: Record<string, string> = {};
  const meanings: Record<string, Record<string, string>> = {};
  for (const c of mapping) {
    if (c.unit) units[c.field] = c.unit;
    if (c.values.length > 0) meanings[c.field] = Object.fromEntries(c.values.map((v) => [v.value, v.means]));
  }
  return { units, meanings };
}

/** A reading's key, to remember that the user confirmed it. */
export function readingKey(file: string, r: ReadingView): string {
  return `${file}\u0000${r.topic}\u0000${r.columns.join("\u0001")}`;
}

/** Inferred readings not yet confirmed; none when the user edited the mapping (then the
 *  readings are the user's own). */
export function unconfirmed(
  detections: DetectionView[],
  confirmed: Set<string>,
  edited: boolean,
): { file: string; reading: ReadingView }[] {
  if (edited) return [];
  return detections.flatMap((d) =>
    d.readings
      .filter((r) => r.inferred && !confirmed.has(readingKey(d.file_name, r)))
      .map((reading) => ({ file: d.file_name, reading })),
  );
}
