// A new user's first QBR, start to finish, on a fresh machine (issue #8): create a workspace from
// the welcome page, import the quarter's export, read the scorecard (the same value as the CLI),
// add a cause and an action on a metric, build and export the pack, open its folder, and read the
// PDF's text. Each step saves a screenshot under tests/e2e/artifacts/journey-*.png; the README
// shows the main ones (copied to docs/screenshots/).
import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import { existsSync, mkdirSync, readFileSync } from "node:fs";
import path from "node:path";
import { test } from "node:test";
import { ROOT, click, makeHome, pick, qbrJson, screenshot, startApp, textOf, confirmReadings, previewShows } from "./harness.mjs";

const FIXTURE = path.join(ROOT, "fixtures", "journey", "contoso_2026q3_interactions.csv");
const pct = (v) => `${(v * 100).toFixed(1)}%`;

test("a first QBR: create, import, scorecard, cause and action, pack", async () => {
  const home = makeHome();
  const saveDir = path.join(home, "Documents");
  mkdirSync(saveDir);
  const { browser, stop } = await startApp(home, [], {
    QBR_DESK_TEST_SAVE_DIR: saveDir,
    QBR_DESK_TEST_PICK_FILES: FIXTURE,
  });
  try {
    // 1. The welcome page offers the demo and a new workspace; creating asks for five things.
    await click(browser, "new-workspace");
    await (await browser.$('[data-testid="new-client"]')).setValue("Contoso Energy");
    await pick(browser, "new-timezone", "Europe/London");
    await (await browser.$('[data-testid="new-fiscal"]')).selectByAttribute("value", "1");
    await pick(browser, "new-currency", "GBP");
    // Dates read as in Ireland (as in Britain: day first), chosen here rather than in Settings later.
    await pick(browser, "new-locale", "en-IE");
    await screenshot(browser, "journey-1-welcome.png");
    await click(browser, "new-create");

    assert.equal(await textOf(browser, "client-name"), "Contoso Energy");
    assert.equal(await textOf(browser, "data-range"), "No data yet");
    const file = path.join(saveDir, "contoso-energy.qbr");
    assert.ok(existsSync(file), `the workspace is saved where the user chose: ${file}`);
    const fresh = qbrJson("info", file);
    assert.equal(fresh.settings.timezone, "Europe/London");
    assert.equal(fresh.settings.currency, "GBP");
    assert.equal(fresh.settings.locale, "en-IE");

    // 2. Import the quarter from the summary's call to action.
    await click(browser, "summary-import");
    await click(browser, "choose-files");
    assert.equal(await (await browser.$('[data-testid="detected-kind"]')).getAttribute("data-kind"), "interactions");
    await screenshot(browser, "journey-2-import-review.png");
    await confirmReadings(browser);
    await click(browser, "start-import");
    assert.match(await textOf(browser, "report-line"), /383 rows taken, 0 refused/);
    await screenshot(browser, "journey-3-import-result.png");

    // 3. The scorecard for 2026-Q3, picked in the header, shows what the CLI computes.
    await click(browser, "tab-scorecard");
    const picker = await browser.$('[data-testid="period-picker"]');
    await picker.waitForDisplayed({ timeout: 20000 });
    await picker.selectByAttribute("value", "2026-Q3");
    await browser.waitUntil(async () => (await textOf(browser, "scorecard-period")).startsWith("2026-Q3 ·"), {
      timeout: 20000,
      timeoutMsg: "the scorecard shows 2026-Q3",
    });
    const cli = qbrJson("metrics", file, "--period", "2026-Q3");
    const m = cli.groups[0].metrics;
    assert.equal(await textOf(browser, "value-service_level"), pct(m.service_level.value));
    assert.equal(await textOf(browser, "value-csat"), pct(m.csat.value));
    assert.match(await textOf(browser, "attention-no-targets"), /No contract target is set yet/,
      "a new workspace has no targets: the attention list says so instead of 'every target is met'");
    await screenshot(browser, "journey-4-scorecard.png");

    // 4. Drill into service level; a week of the chart starts a cause; then an action.
    await click(browser, "open-service_level");
    assert.equal(await textOf(browser, "detail-value"), pct(m.service_level.value));
    const week = await browser.$('[data-testid="week-2026-W31"]');
    await week.scrollIntoView({ block: "center" });
    await week.click();
    await (await browser.$('[data-testid="cause-form"]')).waitForDisplayed({ timeout: 20000 });
    await (await browser.$('[data-testid="cause-title"]')).setValue("Billing system outage on 29 July");
    await (await browser.$('[data-testid="cause-category"]')).selectByAttribute("value", "technology");
    await (await browser.$('[data-testid="cause-form"] input[value="client"]')).click();
    await click(browser, "cause-save");
    await browser.waitUntil(async () => qbrJson("cause", file, "list").length === 1, {
      timeout: 20000,
      timeoutMsg: "the cause reached the workspace",
    });
    await click(browser, "add-action");
    await (await browser.$('[data-testid="action-form"]')).waitForDisplayed({ timeout: 20000 });
    await (await browser.$('[data-testid="action-title"]')).setValue("Outage runbook for the billing queue");
    await (await browser.$('[data-testid="action-owner"]')).setValue("Sam Ortiz");
    await click(browser, "action-save");
    await browser.waitUntil(async () => qbrJson("action", file, "list").length === 1, {
      timeout: 20000,
      timeoutMsg: "the action reached the workspace",
    });
    const markers = await browser.$('[data-testid="markers"]');
    await markers.waitForDisplayed({ timeout: 20000 });
    assert.match(await markers.getText(), /Billing system outage on 29 July/);
    await screenshot(browser, "journey-5-metric-cause.png");

    // 5. The pack for the same period (the header's picker is shared), previewed and exported.
    await click(browser, "tab-pack");
    await browser.waitUntil(async () => (await browser.$$('[data-testid="pack-page"]')).length >= 3, {
      timeout: 60000,
      timeoutMsg: "the preview shows the pages",
    });
    assert.equal(await textOf(browser, "pack-period"), "2026-Q3", "the pack follows the header's period");
    await (await browser.$('[data-testid="audience-client"]')).click();
    await previewShows(browser, "client");
    await screenshot(browser, "journey-6-pack-preview.png");
    await click(browser, "pack-export");
    assert.match(await textOf(browser, "pack-exported"), /Saved \d+ pages to/);
    const pdf = path.join(saveDir, "contoso-energy-qbr-2026-q3-client.pdf");
    assert.ok(existsSync(pdf), `the PDF is written: ${pdf}`);
    assert.equal(readFileSync(pdf).subarray(0, 5).toString(), "%PDF-");
    await click(browser, "show-in-folder");
    assert.equal(await textOf(browser, "pack-message"), `Showed ${pdf} in the file manager`, "the exported file itself, not only its folder");
    await screenshot(browser, "journey-7-pack-exported.png");

    // The PDF says what the app said.
    const text = execFileSync("pdftotext", ["-layout", pdf, "-"], { encoding: "utf8" });
    assert.match(text, /Contoso Energy/);
    assert.match(text, /2026-Q3/);
    assert.ok(text.includes(pct(m.service_level.value)), `the PDF shows service level ${pct(m.service_level.value)}`);
    assert.match(text, /Billing system outage on 29 July/, "the client-visible cause is in the client pack");
    assert.match(text, /Outage runbook for the billing queue/, "the action plan lists the action");
  } finally {
    await stop();
  }
});
