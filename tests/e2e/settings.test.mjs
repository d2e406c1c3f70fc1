// Changing a metric definition in Settings changes it everywhere: the CLI reads the new formula
// and a different value from the same workspace.
import assert from "node:assert/strict";
import path from "node:path";
import { test } from "node:test";
import { dataDir, makeHome, openDemo, pickDate, qbrJson, screenshot, startApp, textOf } from "./harness.mjs";

test("a service-level definition chosen in Settings is the one the CLI computes", async () => {
  const home = makeHome();
  const { browser, stop } = await startApp(home);
  try {
    await openDemo(browser);
    const file = path.join(dataDir(home), "demo", "northwind-mobile.qbr");
    const before = qbrJson("metrics", file, "--period", "2026-Q3", "--metric", "service_level");

    await (await browser.$('[data-testid="tab-settings"]')).click();
    // Each definition is a card with its sentence; choose one by clicking it.
    const card = await browser.$('[data-testid="variant-service-level-abandons_count_against"]');
    await card.waitForClickable({ timeout: 20000 });
    await card.click();
    await browser.waitUntil(async () => (await card.getAttribute("aria-checked")) === "true", {
      timeout: 10000,
      timeoutMsg: "the card is chosen",
    });
    await (await browser.$('[data-testid="save-variants"]')).click();
    await browser.waitUntil(
      async () =>
        qbrJson("metric-def", file, "list").find((d) => d.id === "service_level").formula ===
        "Σanswered_in_threshold / Σoffered",
      { timeout: 20000, timeoutMsg: "the new definition reached the workspace" },
    );
    const after = qbrJson("metrics", file, "--period", "2026-Q3", "--metric", "service_level");
    const b = before.groups[0].metrics.service_level;
    const a = after.groups[0].metrics.service_level;
    const m = qbrJson("metrics", file, "--period", "2026-Q3", "--metric", "offered", "--metric", "abandon_rate")
      .groups[0].metrics;
    assert.equal(a.numerator, b.numerator, "the same contacts were answered in threshold");
    assert.equal(b.denominator, m.abandon_rate.denominator, "before: Σoffered − Σshort_abandoned");
    assert.equal(a.denominator, m.offered.value, "after: every abandon counts against, Σoffered");
    assert.ok(Math.abs(a.value - a.numerator / a.denominator) < 1e-12, "value = numerator / denominator");
    await screenshot(browser, "settings.png");

    // A queue-to-program mapping saved in the app is the one imports (and the CLI) use.
    const aliasForm = await browser.$('form[aria-label="Map a queue or campaign to a program"]');
    await (await aliasForm.$('input[placeholder="Billing Inbound"]')).setValue("Retention Desk");
    await (await aliasForm.$('input[placeholder="Billing"]')).setValue("Sales");
    await (await aliasForm.$('button[type="submit"]')).click();
    await browser.waitUntil(
      async () => {
        const list = qbrJson("program-map", file, "list");
        return list.length === 1 && list[0].source_name === "Retention Desk" && list[0].program === "Sales";
      },
      { timeout: 20000, timeoutMsg: "the mapping reached the workspace" },
    );

    // A metric defined in the app is a metric everywhere: on the scorecard and in the CLI.
    const form = await browser.$('form[aria-label="Define a metric"]');
    await (await form.$('input[placeholder="Transfer rate"]')).setValue("Answer rate");
    await (await form.$('input[placeholder="transfer_rate"]')).setValue("answer_rate");
    await (await browser.$('[data-testid="custom-formula"]')).setValue("handled / offered");
    await (await form.$('button[type="submit"]')).click();
    await browser.waitUntil(
      async () => qbrJson("metric-def", file, "list").some((d) => d.id === "answer_rate"),
      { timeout: 20000, timeoutMsg: "the custom metric reached the workspace" },
    );
    const cli = qbrJson("metrics", file, "--period", "2026-Q3", "--metric", "answer_rate");
    const expected = `${(cli.groups[0].metrics.answer_rate.value * 100).toFixed(1)}%`;
    await (await browser.$('[data-testid="tab-scorecard"]')).click();
    assert.equal(await textOf(browser, "value-answer_rate"), expected, "its tile shows the CLI's value");
  } finally {
    await stop();
  }
});

test("a target's date can be picked on its calendar", async () => {
  const home = makeHome();
  const { browser, stop } = await startApp(home);
  try {
    await openDemo(browser);
    await (await browser.$('[data-testid="tab-settings"]')).click();
    // The calendar opens on the current month and steps to October 2026. (Its weekday initials
    // repeat, M T W T F S S: keyed by them, Svelte refused to draw it at all.)
    await pickDate(browser, "target-from", "2026-10-15");
  } finally {
    await stop();
  }
});
