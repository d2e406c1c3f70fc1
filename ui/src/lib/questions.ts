// Survey ratings an export leaves unclear (two Qualtrics questions read as satisfaction): the
// import wizard asks which column is which and passes the answer as csat_column / ces_column.
import type { DetectionView, QuestionView } from "./bindings";

export interface UnclearQuestion {
  /** csat or ces. */
  field: string;
  /** How people call it. */
  label: string;
  /** Candidate columns across the files picked, each header once. */
  candidates: QuestionView[];
}

const LABELS: Record<string, string> = { csat: "CSAT", ces: "CES" };

/** The ratings to ask about, merged over every file picked, in a stable order. */
export function unclearQuestions(detections: DetectionView[]): UnclearQuestion[] {
  const out = new Map<string, UnclearQuestion>();
  for (const d of detections) {
    for (const q of d.questions ?? []) {
      const entry = out.get(q.field) ?? {
        field: q.field,
        label: LABELS[q.field] ?? q.field.toUpperCase(),
        candidates: [],
      };
      for (const c of q.candidates) {
        if (!entry.candidates.some((x) => x.header === c.header)) entry.candidates.push(c);
      }
      out.set(q.field, entry);
    }
  }
  return [...out.values()].sort((a, b) => a.field.localeCompare(b.field));
}

/** The request's csat_column and ces_column from the choices made (blank: not asked). */
export function questionColumns(choices: Record<string, string>): {
  csat_column: string | null;
  ces_column: string | null;
} {
  const pick = (f: string) => (choices[f] ?? "").trim() || null;
  return { csat_column: pick("csat"), ces_column: pick("ces") };
}
