// Diagnostics on the demo: the scorecard lists what needs attention (Tech Support first) and each
// item opens its metric; the metric page shows the control chart with named signals; the
// drivers view explains 2026-Q3's AHT with the same split `qbr drivers --json` computes; the
// correlation view shows r, n and the caution; the staffing calculator answers.
import assert from "node:assert/strict";
import path from "node:path";
import { test } from "node:test";
import { dataDir, makeHome, openDemo, qbrJson, screenshot, startApp, textOf } from "./harness.mjs";

const partSeconds = (v) => `${v > 0 ? "+" : v < 0 ? "−" : "±"}${Math.abs(v).toFixed(1)} s`;


/** Clicks `testId` and waits until the diagnose page has finished one more calculation, so what is
 * read next is the answer to this click, not the one shown before it. */
async function runAndWait(browser, testId) {
  const page = await browser.$('[data-testid="diagnose"]');
  await page.waitForExist({ timeout: 20000 });
  const button = await browser.$(`[data-testid="${testId}"]`);
  // Clickable once any calculation the page started by itself (on opening a tool) is over.
  await button.waitForClickable({ timeout: 30000 });
  const before = Number(await page.getAttribute("data-finished"));
  await button.click();
  await browser.waitUntil(async () => Number(await page.getAttribute("data-finished")) > before && (await page.getAttribute("aria-busy")) === "false", {
    timeout: 60000,
    timeoutMsg: `${testId} finished its calculation`,
  });
}

test("attention list, control chart, drivers, correlation and staffing on the demo", async () => {
  const home = makeHome();
  const { browser, stop } = await startApp(home);
  try {
    await openDemo(browser);
    const file = path.join(dataDir(home), "demo", "northwind-mobile.qbr");

    // The attention list on the scorecard: the CLI's five most important items, grouped by scope
    // (the scope of the most important first).
    await (await browser.$('[data-testid="tab-scorecard"]')).click();
    await textOf(browser, "attention");
    await (await browser.$('[data-testid="attention-item"]')).waitForDisplayed({ timeout: 30000 });
    const items = await browser.$$('[data-testid="attention-item"]');
    const cli = qbrJson("attention", file, "--period", "2026-Q3");
    assert.equal(items.length, Math.min(5, cli.items.length), "the first five are shown");
    const shown = [];
    for (const item of items) shown.push(await item.getText());
    for (const want of cli.items.slice(0, 5)) {
      assert.ok(shown.some((t) => t.includes(want.message)), `${want.message} is among ${shown.join(" | ")}`);
    }
    assert.ok(shown[0].includes(cli.items[0].message), "the most important item comes first");
    assert.ok((await textOf(browser, "attention")).includes(cli.items[0].scope_label), "grouped under its scope");
    await screenshot(browser, "attention.png");

    // An item opens its metric; the control chart names its signals.
    const want = cli.items.find((i) => i.metric_id === "service_level" && i.scope?.value === "Tech Support");
    const sl = shown.findIndex((t) => t.includes(want.message));
    assert.ok(sl >= 0, "Tech Support's service level is among the first five");
    await (await items[sl].$("button")).click();
    assert.equal(await textOf(browser, "detail-name"), "Service level");
    const toggle = await browser.$('[data-testid="control-toggle"]');
    await toggle.waitForClickable({ timeout: 20000 });
    await toggle.click();
    const signals = await textOf(browser, "control-signals");
    assert.match(signals, /Point beyond the limits \(below\)/, signals);
    // Runs read as days in the workspace's locale, "6 Jul – 27 Sept 2026", never as ISO weeks.
    assert.match(signals, /Point beyond the limits \(below\): \d{1,2} [A-Z][a-z]+( \d{4})? – \d{1,2} [A-Z][a-z]+ \d{4}/, signals);
    assert.doesNotMatch(signals, /W\d\d/, signals);
    // Thousands of contacts a week: the limits are Laney's p′, widened by the weeks' own variation.
    assert.match(await textOf(browser, "control-summary"), /^Laney p′ chart/);
    const svg = await (await browser.$('[data-testid="control"] .trend svg')).getHTML();
    assert.match(svg, /Control limits/);
    await (await browser.$('[data-testid="control"]')).scrollIntoView();
    await screenshot(browser, "control-chart.png");

    // Drivers: AHT from 2026-Q2 to 2026-Q3 by program, as the CLI splits it.
    await (await browser.$('[data-testid="tab-diagnose"]')).click();
    await (await browser.$('[data-testid="drivers-run"]')).waitForClickable({ timeout: 20000 });
    await (await browser.$('[data-testid="drivers-metric"]')).selectByAttribute("value", "aht");
    await (await browser.$('[data-testid="drivers-from"]')).selectByAttribute("value", "2026-Q2");
    await (await browser.$('[data-testid="drivers-to"]')).selectByAttribute("value", "2026-Q3");
    await (await browser.$('[data-testid="drivers-by"]')).selectByAttribute("value", "program");
    await runAndWait(browser, "drivers-run");
    const d = qbrJson("drivers", file, "--metric", "aht", "--from", "2026-Q2", "--to", "2026-Q3", "--by", "program");
    assert.equal(await textOf(browser, "drivers-sentence"), d.sentence);
    assert.match(d.sentence, /Tech Support's own average handle time/);
    const totals = await textOf(browser, "drivers-totals");
    assert.ok(totals.includes(`change ${partSeconds(d.change)} = rate ${partSeconds(d.rate_total)} + mix ${partSeconds(d.mix_total)}`), totals);
    const first = await (await browser.$('[data-testid="drivers-table"] tbody tr')).getText();
    assert.ok(first.startsWith("Tech Support"), first);
    assert.ok(first.includes(partSeconds(d.segments[0].rate_effect)), `${first} has ${partSeconds(d.segments[0].rate_effect)}`);
    assert.equal(await (await browser.$('[data-testid="drivers-table"] thead th')).getText(), "Program", "the dimension named as a heading");
    // The chart's labels: moves signed as everywhere, and a part that rounds to nothing unsigned.
    const labels = await browser.execute(() => [...document.querySelectorAll(".trend svg text")].map((t) => t.textContent.trim()));
    assert.ok(labels.some((l) => /^\+0:\d\d$/.test(l)), labels.join(" | "));
    assert.ok(!labels.includes("\u22120:00"), `no negative zero: ${labels.join(" | ")}`);
    await screenshot(browser, "drivers.png");

    // Correlation: AHT against CSAT over the weeks, with n and the caution.
    await (await browser.$('[data-testid="tab-correlation"]')).click();
    await runAndWait(browser, "corr-run");
    const c = qbrJson("correlate", file, "--metrics", "aht,csat", "--by", "week", "--period", "2026-Q3");
    const result = await textOf(browser, "corr-result");
    assert.ok(result.startsWith(`r = ${c.pearson.toFixed(2)}`), result);
    assert.ok(result.endsWith(`n = ${c.n}`), result);
    assert.match(await textOf(browser, "corr-caution"), /^Correlation is not cause/);
    await screenshot(browser, "correlation.png");

    // Staffing: the average day's agents for 80%, as the CLI computes them.
    await (await browser.$('[data-testid="tab-staffing"]')).click();
    await runAndWait(browser, "staff-run");
    const s = qbrJson("staffing", file, "--period", "2026-Q3");
    // The table is drawn once the calculation returns: wait for it rather than read at once.
    await (await browser.$('[data-testid="staff-table"]')).waitForDisplayed({ timeout: 30000 });
    const cells = await browser.$$('[data-testid="staff-table"] tbody tr:first-child td');
    assert.equal(await cells[0].getText(), "average day");
    assert.equal(await cells[5].getText(), String(s.average.agents_needed), "agents needed for 80%");
    await screenshot(browser, "staffing.png");
  } finally {
    await stop();
  }
});
