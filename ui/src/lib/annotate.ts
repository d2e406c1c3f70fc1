// What the cause and action pages compute before they draw: drafts prefilled from a chart,
// the board's columns, form ↔ wire conversions and the words for statuses and verdicts.
// Pure functions (and two that take a Backend), so they are tested without a window.
import type {
  ActionInput,
  ActionPatchInput,
  ActionView,
  CauseFieldsView,
  CauseInput,
  CausePatchInput,
  CauseRevisionView,
  CauseView,
  ChartBucketView,
  ChartGeometryView,
  ScopeView,
} from "./bindings";
import type { Backend } from "./backend";

export const CATEGORIES: { id: string; label: string }[] = [
  { id: "people", label: "People" },
  { id: "process", label: "Process" },
  { id: "technology", label: "Technology" },
  { id: "demand", label: "Demand / volume" },
  { id: "customer", label: "Customer" },
  { id: "external", label: "External" },
  { id: "other", label: "Other" },
];

export const SCOPE_DIMENSIONS = ["program", "queue", "channel", "site", "team"];

export const STATUSES: { id: string; label: string }[] = [
  { id: "planned", label: "Planned" },
  { id: "in_progress", label: "In progress" },
  { id: "done", label: "Done" },
  { id: "cancelled", label: "Cancelled" },
];

export function categoryLabel(id: string): string {
  return CATEGORIES.find((c) => c.id === id)?.label ?? id;
}

export function actionStatusLabel(id: string): string {
  return STATUSES.find((s) => s.id === id)?.label ?? id;
}

/** "program=Tech Support", or "Whole account" for null. */
export function scopeLabel(scope: ScopeView | null): string {
  return scope ? `${scope.dimension} ${scope.value}` : "Whole account";
}

/** The wire form of a scope: `DIM=VALUE`, or null for the whole account. */
export function scopeArg(dimension: string, value: string): string | null {
  const v = value.trim();
  return dimension && v ? `${dimension}=${v}` : null;
}

/** Where a bucket's button goes over the chart, in percentages of the SVG (which is scaled). */
export function bucketBox(b: ChartBucketView, g: ChartGeometryView): { left: string; width: string; top: string; height: string } {
  const pct = (v: number, of: number) => `${((v / of) * 100).toFixed(4)}%`;
  return {
    left: pct(b.x0, g.width),
    width: pct(b.x1 - b.x0, g.width),
    top: pct(g.top, g.height),
    height: pct(g.bottom - g.top, g.height),
  };
}

/** A new cause for one period of a metric's chart: that metric, that period, that scope. */
export function causeDraftForBucket(metricId: string, bucket: ChartBucketView, scope: string | null): CauseInput {
  return {
    metrics: [metricId],
    scope,
    period_from: bucket.period.start,
    period_to: bucket.period.end,
    category: "other",
    title: "",
    description: "",
    evidence: "",
    author: "",
    visibility: "internal",
  };
}

/** The cause form's fields (scope split for its two controls). */
export interface CauseForm {
  metrics: string[];
  scopeDimension: string;
  scopeValue: string;
  period_from: string;
  period_to: string;
  category: string;
  title: string;
  description: string;
  evidence: string;
  author: string;
  visibility: string;
}

export function causeFormFrom(c: CauseInput): CauseForm {
  const [dim, ...rest] = (c.scope ?? "").split("=");
  const value = rest.join("=");
  return {
    metrics: [...c.metrics],
    scopeDimension: value ? (dim ?? "") : "",
    scopeValue: value,
    period_from: c.period_from,
    period_to: c.period_to,
    category: c.category,
    title: c.title,
    description: c.description,
    evidence: c.evidence,
    author: c.author,
    visibility: c.visibility || "internal",
  };
}

export function causeFormOf(c: CauseView): CauseForm {
  const f = c.fields;
  return causeFormFrom({
    ...f,
    scope: f.scope ? `${f.scope.dimension}=${f.scope.value}` : null,
  });
}

/** What is wrong with the form, or null when it can be saved. */
export function causeFormProblem(f: CauseForm): string | null {
  if (!f.title.trim()) return "Give the cause a title.";
  if (f.metrics.length === 0) return "Choose at least one metric.";
  if (!/^\d{4}-\d{2}-\d{2}$/.test(f.period_from) || !/^\d{4}-\d{2}-\d{2}$/.test(f.period_to))
    return "Give the first and last day of the period.";
  if (f.period_to < f.period_from) return "The period ends before it starts.";
  if (f.scopeDimension && !f.scopeValue.trim()) return `Name the ${f.scopeDimension}, or choose the whole account.`;
  return null;
}

export function causeInputOf(f: CauseForm): CauseInput {
  return {
    metrics: f.metrics,
    scope: scopeArg(f.scopeDimension, f.scopeValue),
    period_from: f.period_from,
    period_to: f.period_to,
    category: f.category,
    title: f.title.trim(),
    description: f.description,
    evidence: f.evidence,
    author: f.author.trim(),
    visibility: f.visibility,
  };
}

/** An edit: every field as in the form (the account scope is `"account"`, as the API wants). */
export function causePatchOf(f: CauseForm): CausePatchInput {
  const i = causeInputOf(f);
  return { ...i, scope: i.scope ?? "account" };
}

/** The board: one column per status, each card flagged when overdue. */
export function boardColumns(actions: ActionView[]): { status: string; label: string; actions: ActionView[] }[] {
  return STATUSES.map((s) => ({
    status: s.id,
    label: s.label,
    actions: actions.filter((a) => a.status === s.id),
  }));
}

/** The action form's fields, as text where the form has inputs. */
export interface ActionForm {
  title: string;
  description: string;
  owner: string;
  start_date: string;
  due_date: string;
  status: string;
  completed_on: string;
  causes: number[];
  metric_id: string;
  scopeDimension: string;
  scopeValue: string;
  /** "", "target" or "change". */
  expected_kind: string;
  /** As typed: "0.82", "82%", "-30". */
  expected_value: string;
  cost: string;
}

export function emptyActionForm(): ActionForm {
  return {
    title: "",
    description: "",
    owner: "",
    start_date: "",
    due_date: "",
    status: "planned",
    completed_on: "",
    causes: [],
    metric_id: "",
    scopeDimension: "",
    scopeValue: "",
    expected_kind: "",
    expected_value: "",
    cost: "",
  };
}

/** A percentage shown back as typed for ratio metrics ("82%"), a plain number otherwise. */
export function expectedText(value: number, unit: string | undefined): string {
  return unit === "ratio" ? `${+(value * 100).toFixed(4)}%` : String(value);
}

export function actionFormOf(a: ActionView, unitOf: (metric: string) => string | undefined): ActionForm {
  return {
    title: a.title,
    description: a.description,
    owner: a.owner,
    start_date: a.start_date ?? "",
    due_date: a.due_date ?? "",
    status: a.status,
    completed_on: a.completed_on ?? "",
    causes: [...a.causes],
    metric_id: a.metric_id ?? "",
    scopeDimension: a.scope?.dimension ?? "",
    scopeValue: a.scope?.value ?? "",
    expected_kind: a.expected?.kind ?? "",
    expected_value: a.expected ? expectedText(a.expected.value, unitOf(a.metric_id ?? "")) : "",
    cost: a.cost == null ? "" : String(a.cost),
  };
}

/** "82%" → 0.82, "0.82" → 0.82, "-30" → -30, "" → null; NaN for anything else. */
export function parseAmount(text: string): number | null {
  const t = text.trim().replace(/,/g, "");
  if (t === "") return null;
  const pct = t.endsWith("%");
  const n = Number(pct ? t.slice(0, -1).trim() : t);
  if (!Number.isFinite(n)) return NaN;
  return pct ? n / 100 : n;
}

export function actionFormProblem(f: ActionForm): string | null {
  if (!f.title.trim()) return "Give the action a title.";
  if (f.start_date && f.due_date && f.due_date < f.start_date) return "The due date is before the start.";
  if (f.scopeDimension && !f.scopeValue.trim()) return `Name the ${f.scopeDimension}, or choose the whole account.`;
  if (f.expected_kind) {
    if (!f.metric_id) return "Choose the metric the expected effect is on.";
    const v = parseAmount(f.expected_value);
    if (v === null || Number.isNaN(v)) return "Give the expected effect as a number (82% or 0.82 for a ratio).";
  }
  const cost = parseAmount(f.cost);
  if (cost !== null && (Number.isNaN(cost) || cost < 0)) return "Give the cost as an amount, or leave it empty.";
  return null;
}

export function actionInputOf(f: ActionForm): ActionInput {
  const expected = f.expected_kind ? parseAmount(f.expected_value) : null;
  return {
    title: f.title.trim(),
    description: f.description,
    owner: f.owner.trim(),
    start_date: f.start_date || null,
    due_date: f.due_date || null,
    status: f.status,
    completed_on: f.status === "done" && f.completed_on ? f.completed_on : null,
    causes: f.causes,
    metric_id: f.metric_id || null,
    scope: scopeArg(f.scopeDimension, f.scopeValue),
    expected_kind: f.expected_kind && expected !== null ? f.expected_kind : null,
    expected_value: f.expected_kind ? expected : null,
    cost: parseAmount(f.cost),
  };
}

/** An update carrying every field of the form; empty text clears a date, the metric or the
 * expected effect. A cost cannot be cleared through the API, so an emptied cost is left as is. */
export function actionPatchOf(f: ActionForm): ActionPatchInput {
  const i = actionInputOf(f);
  return {
    title: i.title,
    description: i.description,
    owner: i.owner,
    start_date: i.start_date ?? "",
    due_date: i.due_date ?? "",
    status: i.status,
    completed_on: i.completed_on,
    causes: i.causes,
    metric_id: i.metric_id ?? "",
    scope: i.scope ?? "account",
    expected_kind: i.expected_kind ?? (f.expected_kind ? null : ""),
    expected_value: i.expected_value,
    cost: i.cost,
  };
}

/** The verdict in words with a symbol, never by colour alone. */
export function verdictLabel(verdict: string): { symbol: string; word: string } {
  switch (verdict) {
    case "improved":
      return { symbol: "▲", word: "Improved" };
    case "worsened":
      return { symbol: "▼", word: "Worsened" };
    case "no_clear_change":
      return { symbol: "≈", word: "No clear change" };
    default:
      return { symbol: "…", word: "Too early to tell" };
  }
}

/** "two_proportion_z" → what the panel says about the test, with its statistic. */
export function testSummary(method: string, statistic: number, p: number, df: number | null, confidence: number): string {
  const stat = method === "welch_t" ? `t = ${statistic.toFixed(2)}${df == null ? "" : `, df = ${df.toFixed(1)}`}` : `z = ${statistic.toFixed(2)}`;
  const pText = p < 0.0001 ? "p < 0.0001" : `p = ${p.toFixed(4)}`;
  return `${stat}, ${pText}; clear at ${Math.round(confidence * 100)}% confidence when p < ${(1 - confidence).toFixed(2)}`;
}

/** A deletion that can be taken back: deletes now, and returns the message and the undo. */
export interface Undoable {
  message: string;
  undo: () => Promise<unknown>;
}

export async function deleteCause(backend: Backend, cause: CauseView): Promise<Undoable> {
  await backend.removeCause(cause.id);
  return {
    message: `Deleted the cause “${cause.fields.title}”.`,
    undo: () => backend.restoreCause(cause.id),
  };
}

export async function deleteAction(backend: Backend, action: ActionView): Promise<Undoable> {
  await backend.removeAction(action.id);
  return {
    message: `Deleted the action “${action.title}”.`,
    undo: () => backend.restoreAction(action.id),
  };
}

/** What an edit changed, field by field, from the state before (`prev`) to the state after (`next`). */
export function causeChanges(prev: CauseFieldsView, next: CauseFieldsView): string[] {
  const out: string[] = [];
  const was = (label: string, a: string, b: string) => {
    if (a !== b) out.push(`${label}: “${a || "(empty)"}” → “${b || "(empty)"}”`);
  };
  was("Title", prev.title, next.title);
  was("Category", categoryLabel(prev.category), categoryLabel(next.category));
  was("Scope", scopeLabel(prev.scope), scopeLabel(next.scope));
  was("Period", `${prev.period_from}..${prev.period_to}`, `${next.period_from}..${next.period_to}`);
  was("Metrics", prev.metrics.join(", "), next.metrics.join(", "));
  was("Visibility", prev.visibility, next.visibility);
  was("Description", prev.description, next.description);
  was("Evidence", prev.evidence, next.evidence);
  was("Author", prev.author, next.author);
  return out;
}

/**
 * A cause's history, newest edit first: each edit with when it was made and what it changed.
 * `history` holds the states each edit replaced, oldest first (as `cause_detail` returns them).
 */
export function causeHistory(current: CauseFieldsView, history: CauseRevisionView[]): { editedAt: string; changes: string[] }[] {
  const rows = history.map((r, i) => {
    const next = history[i + 1]?.previous ?? current;
    return { editedAt: r.edited_at, changes: causeChanges(r.previous, next) };
  });
  return rows.reverse();
}
