// A new user opens the demo from the start page and sees the workspace summary; the figures on
// screen are the ones `qbr info --json` reports for the same file.
import assert from "node:assert/strict";
import { existsSync, statSync } from "node:fs";
import path from "node:path";
import { test } from "node:test";
import { dataDir, makeHome, qbrJson, screenshot, startApp, textOf } from "./harness.mjs";

const thousands = (n) => n.toLocaleString("en-US");

test("open the demo from the start page and read its summary", async () => {
  const home = makeHome();
  const { browser, stop } = await startApp(home);
  try {
    const demoButton = await browser.$('[data-testid="open-demo"]');
    await demoButton.waitForClickable({ timeout: 30000 });
    await screenshot(browser, "start-page.png");
    await demoButton.click();

    assert.equal(await textOf(browser, "client-name"), "Northwind Mobile");
    const demoFile = path.join(dataDir(home), "demo", "northwind-mobile.qbr");
    assert.ok(existsSync(demoFile), `the demo is created in the app's data folder: ${demoFile}`);

    const info = qbrJson("info", demoFile);
    assert.equal(await textOf(browser, "data-range"), "1 Jan 2025 – 30 Sep 2026");
    assert.equal(await textOf(browser, "contacts-offered"), thousands(info.contacts_offered));
    assert.equal(await textOf(browser, "fact-rows"), thousands(info.counts.fact_rows));
    assert.equal(await textOf(browser, "count-programs"), String(info.counts.programs));
    assert.equal(await textOf(browser, "count-agents"), "80");
    assert.equal(await textOf(browser, "count-targets"), String(info.counts.targets));
    assert.equal(await textOf(browser, "timezone"), "Europe/Dublin");
    assert.equal(await textOf(browser, "currency"), "EUR");
    assert.equal(await textOf(browser, "crumb-client"), "Northwind Mobile", "the header says where you are");

    const chart = await browser.$(".sparkline svg polyline");
    assert.ok(await chart.isExisting(), "the volume chart from the render crate is on the page");
    const imports = await textOf(browser, "imports");
    assert.match(imports, /demo data \(seed 20260930\)/);

    const shot = await screenshot(browser, "summary.png");
    assert.ok(statSync(shot).size > 10000, "a real screenshot of the summary page was saved");
  } finally {
    await stop();
  }

  // The next launch opens the last workspace used, straight onto its summary.
  const again = await startApp(home);
  try {
    assert.equal(await textOf(again.browser, "client-name"), "Northwind Mobile");
  } finally {
    await again.stop();
  }
});

test("a file that is not a workspace is explained in words on the start page", async () => {
  const home = makeHome();
  const bogus = path.join(home, "notes.qbr");
  (await import("node:fs")).writeFileSync(bogus, "quarterly notes, not a workspace");
  const { browser, stop } = await startApp(home, [bogus]);
  try {
    const message = await textOf(browser, "error");
    assert.match(message, /is not a QBR Desk workspace/);
    assert.match(message, /Choose a \.qbr file created by QBR Desk/);
    const demoButton = await browser.$('[data-testid="open-demo"]');
    assert.ok(await demoButton.isDisplayed(), "the start page stays usable, never a blank window");
    await screenshot(browser, "not-a-workspace.png");
  } finally {
    await stop();
  }
});
