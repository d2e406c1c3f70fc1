import { describe, expect, it } from "vitest";
import type { ActionView, CauseView, ChartBucketView, ChartGeometryView } from "./bindings";
import type { Backend } from "./backend";
import {
  actionFormOf,
  actionFormProblem,
  actionInputOf,
  actionPatchOf,
  boardColumns,
  bucketBox,
  causeDraftForBucket,
  causeFormFrom,
  causeFormOf,
  causeFormProblem,
  causeInputOf,
  causePatchOf,
  deleteAction,
  deleteCause,
  emptyActionForm,
  parseAmount,
  testSummary,
  verdictLabel,
  causeHistory,
} from "./annotate";

const w31: ChartBucketView = {
  period: { label: "2026-W31", start: "2026-07-27", end: "2026-08-02", grain: "week" },
  x0: 480,
  x1: 496,
};
const geometry: ChartGeometryView = { width: 960, height: 360, top: 90, bottom: 318, buckets: [w31] };

function action(over: Partial<ActionView>): ActionView {
  return {
    id: 1,
    title: "Firmware playbook",
    description: "",
    owner: "Dana",
    start_date: "2026-08-03",
    due_date: "2026-08-31",
    status: "in_progress",
    overdue: false,
    board_status: "in_progress",
    completed_on: null,
    causes: [],
    metric_id: "service_level",
    scope: { dimension: "program", value: "Tech Support" },
    expected: { kind: "target", value: 0.82 },
    cost: 5000,
    notes: [],
    created_at: "2026-11-24T09:00:00Z",
    updated_at: "2026-11-24T09:00:00Z",
    deleted_at: null,
    ...over,
  };
}

const cause: CauseView = {
  id: 7,
  fields: {
    metrics: ["service_level"],
    scope: { dimension: "program", value: "Tech Support" },
    period_from: "2026-07-27",
    period_to: "2026-08-02",
    category: "technology",
    title: "Firmware 3.2",
    description: "",
    evidence: "",
    author: "AM",
    visibility: "client",
  },
  created_at: "2026-11-24T09:00:00Z",
  updated_at: "2026-11-24T09:00:00Z",
  deleted_at: null,
};

/** A backend that records the calls it gets; only the delete and restore calls are used. */
function fakeBackend(calls: string[]): Backend {
  const record = (name: string) => async (id: number) => {
    calls.push(`${name} ${id}`);
    return {} as never;
  };
  return {
    removeCause: record("removeCause"),
    restoreCause: record("restoreCause"),
    removeAction: record("removeAction"),
    restoreAction: record("restoreAction"),
  } as unknown as Backend;
}

describe("adding a cause from the chart", () => {
  it("places each week's button over its span, in percentages of the scaled SVG", () => {
    // 480/960 = 50%, 16/960 = 1.6667%, 90/360 = 25%, (318 − 90)/360 = 63.3333%.
    expect(bucketBox(w31, geometry)).toEqual({ left: "50.0000%", width: "1.6667%", top: "25.0000%", height: "63.3333%" });
  });

  it("prefills the metric, the week's first and last day and the scope", () => {
    const draft = causeDraftForBucket("service_level", w31, "program=Tech Support");
    expect(draft.metrics).toEqual(["service_level"]);
    expect([draft.period_from, draft.period_to]).toEqual(["2026-07-27", "2026-08-02"]);
    const form = causeFormFrom(draft);
    expect([form.scopeDimension, form.scopeValue]).toEqual(["program", "Tech Support"]);
    expect(causeFormFrom(causeDraftForBucket("aht", w31, null)).scopeDimension).toBe("");
  });

  it("refuses a form without a title, with the period backwards, or a scope without a value", () => {
    const form = causeFormFrom(causeDraftForBucket("service_level", w31, null));
    expect(causeFormProblem(form)).toBe("Give the cause a title.");
    form.title = "Firmware";
    expect(causeFormProblem(form)).toBeNull();
    expect(causeFormProblem({ ...form, period_to: "2026-07-01" })).toBe("The period ends before it starts.");
    expect(causeFormProblem({ ...form, scopeDimension: "site", scopeValue: " " })).toMatch(/Name the site/);
    expect(causeFormProblem({ ...form, metrics: [] })).toMatch(/at least one metric/);
  });

  it("sends the scope as DIM=VALUE, and an edit to the whole account as 'account'", () => {
    const form = causeFormOf(cause);
    expect(causeInputOf(form).scope).toBe("program=Tech Support");
    expect(causePatchOf({ ...form, scopeDimension: "" }).scope).toBe("account");
    expect(causeInputOf({ ...form, title: "  Firmware 3.2  " }).title).toBe("Firmware 3.2");
  });
});

describe("the actions board", () => {
  it("has one column per status, overdue cards staying in theirs", () => {
    const cols = boardColumns([
      action({ id: 1, status: "planned" }),
      action({ id: 2, status: "in_progress", overdue: true, board_status: "overdue" }),
      action({ id: 3, status: "done" }),
      action({ id: 4, status: "in_progress" }),
    ]);
    expect(cols.map((c) => [c.label, c.actions.map((a) => a.id)])).toEqual([
      ["Planned", [1]],
      ["In progress", [2, 4]],
      ["Done", [3]],
      ["Cancelled", []],
    ]);
  });
});

describe("the action form", () => {
  it("reads percentages for ratios and plain numbers otherwise", () => {
    expect(parseAmount("82%")).toBeCloseTo(0.82, 12);
    expect(parseAmount("0.82")).toBe(0.82);
    expect(parseAmount("-30")).toBe(-30);
    expect(parseAmount("1,250.50")).toBe(1250.5);
    expect(parseAmount("")).toBeNull();
    expect(parseAmount("lots")).toBeNaN();
  });

  it("round-trips an action: a ratio target is shown as a percentage and sent as a fraction", () => {
    const form = actionFormOf(action({}), (m) => (m === "service_level" ? "ratio" : undefined));
    expect(form.expected_value).toBe("82%");
    const input = actionInputOf(form);
    expect(input.expected_kind).toBe("target");
    expect(input.expected_value).toBeCloseTo(0.82, 12);
    expect(input.scope).toBe("program=Tech Support");
    expect(input.cost).toBe(5000);
    expect(input.completed_on).toBeNull();
  });

  it("clears dates, metric and expected effect in an update with empty text", () => {
    const form = { ...emptyActionForm(), title: "Rota" };
    const patch = actionPatchOf(form);
    expect(patch.start_date).toBe("");
    expect(patch.due_date).toBe("");
    expect(patch.metric_id).toBe("");
    expect(patch.expected_kind).toBe("");
    expect(patch.scope).toBe("account");
    expect(patch.cost).toBeNull();
  });

  it("says what is missing before saving", () => {
    const form = emptyActionForm();
    expect(actionFormProblem(form)).toBe("Give the action a title.");
    form.title = "Rota";
    expect(actionFormProblem({ ...form, start_date: "2026-09-01", due_date: "2026-08-01" })).toMatch(/before the start/);
    expect(actionFormProblem({ ...form, expected_kind: "change", expected_value: "-30" })).toMatch(/Choose the metric/);
    expect(actionFormProblem({ ...form, metric_id: "aht", expected_kind: "change", expected_value: "x" })).toMatch(/as a number/);
    expect(actionFormProblem({ ...form, cost: "-5" })).toMatch(/cost/);
    expect(actionFormProblem(form)).toBeNull();
  });
});

describe("the effect panel", () => {
  it("names every verdict with a symbol and a word", () => {
    expect(verdictLabel("improved")).toEqual({ symbol: "▲", word: "Improved" });
    expect(verdictLabel("no_clear_change").word).toBe("No clear change");
    expect(verdictLabel("too_early").word).toBe("Too early to tell");
  });

  it("states the test, its statistic, p and the confidence", () => {
    expect(testSummary("two_proportion_z", -5.561, 0.00000002, null, 0.95)).toBe(
      "z = -5.56, p < 0.0001; clear at 95% confidence when p < 0.05",
    );
    expect(testSummary("welch_t", 1.234, 0.2871, 3.96, 0.95)).toBe("t = 1.23, df = 4.0, p = 0.2871; clear at 95% confidence when p < 0.05");
  });
});

describe("deleting with undo", () => {
  it("deletes a cause at once and restores the same one on undo", async () => {
    const calls: string[] = [];
    const u = await deleteCause(fakeBackend(calls), cause);
    expect(calls).toEqual(["removeCause 7"]);
    expect(u.message).toBe("Deleted the cause “Firmware 3.2”.");
    await u.undo();
    expect(calls).toEqual(["removeCause 7", "restoreCause 7"]);
  });

  it("does the same for an action", async () => {
    const calls: string[] = [];
    const u = await deleteAction(fakeBackend(calls), action({ id: 3 }));
    await u.undo();
    expect(calls).toEqual(["removeAction 3", "restoreAction 3"]);
  });
});

describe("a cause's edit history", () => {
  const base = {
    metrics: ["aht"],
    scope: null,
    period_from: "2026-07-27",
    period_to: "2026-08-02",
    category: "technology",
    title: "CRM outage",
    description: "",
    evidence: "",
    author: "Dana",
    visibility: "internal",
  };
  it("lists each edit newest first, with exactly the fields it changed", () => {
    // Created as `base`; edit 1 retitled it; edit 2 widened the period and made it client-visible.
    const v1 = { ...base, title: "CRM outage, 29 July" };
    const current = { ...v1, period_to: "2026-08-09", visibility: "client" };
    const rows = causeHistory(current, [
      { id: 1, edited_at: "2026-08-03T09:15:00Z", previous_updated_at: "2026-08-01T10:00:00Z", previous: base },
      { id: 2, edited_at: "2026-08-10T16:40:00Z", previous_updated_at: "2026-08-03T09:15:00Z", previous: v1 },
    ]);
    expect(rows).toEqual([
      {
        editedAt: "2026-08-10T16:40:00Z",
        changes: ["Period: “2026-07-27..2026-08-02” → “2026-07-27..2026-08-09”", "Visibility: “internal” → “client”"],
      },
      { editedAt: "2026-08-03T09:15:00Z", changes: ["Title: “CRM outage” → “CRM outage, 29 July”"] },
    ]);
  });
  it("says nothing changed for a save without a change, and has no rows for a cause never edited", () => {
    expect(causeHistory(base, [{ id: 1, edited_at: "2026-08-03T09:15:00Z", previous_updated_at: "x", previous: base }])).toEqual([
      { editedAt: "2026-08-03T09:15:00Z", changes: [] },
    ]);
    expect(causeHistory(base, [])).toEqual([]);
  });
});
