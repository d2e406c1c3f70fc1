// A new user opens the demo from the start page and sees the workspace summary; the figures on
// screen are the ones `qbr info --json` reports for the same file.
import assert from "node:assert/strict";
import { existsSync, statSync } from "node:fs";
import path from "node:path";
import { test } from "node:test";
import { dataDir, makeHome, qbrJson, screenshot, startApp, textOf } from "./harness.mjs";

const thousands = (n) => n.toLocaleString("en-US");

test("open the demo from the start page and read its account overview", async () => {
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
    assert.equal(await textOf(browser, "data-range"), "1 Jan 2025 – 30 Sept 2026");
    assert.equal(await textOf(browser, "contacts-offered"), thousands(info.contacts_offered));
    assert.equal(await textOf(browser, "count-programs"), String(info.counts.programs));
    assert.equal(await textOf(browser, "count-agents"), "80");
    assert.equal(await textOf(browser, "count-targets"), String(info.counts.targets));
    assert.equal(await textOf(browser, "timezone"), "Europe/Dublin");
    assert.equal(await textOf(browser, "currency"), "EUR");
    // The crumb is cut with an ellipsis when long, so read its text content rather than the
    // rendered text WebKit reports for a clipped box.
    const crumb = await browser.$('[data-testid="crumb-client"]');
    assert.equal((await crumb.getProperty("textContent")).trim(), "Northwind Mobile", "the header says where you are");

    // The quarter at a glance: service level and ASA per channel, each against its own target
    // (as the scorecard and the pack show them), the counts on, near and off target are the
    // CLI's statuses with those two counted per channel.
    const m = qbrJson("metrics", demoFile, "--period", "2026-Q3");
    const ch = qbrJson("metrics", demoFile, "--period", "2026-Q3", "--by", "channel", "--metric", "service_level", "--metric", "asa");
    const perChannel = (id) => ch.groups.filter((g) => g.metrics[id]?.value != null);
    const statuses = Object.entries(m.groups[0].metrics).flatMap(([id, e]) =>
      perChannel(id).length > 1 ? perChannel(id).map((g) => g.metrics[id].status) : [e.status],
    );
    const n = (s) => statuses.filter((x) => x === s).length;
    const counts = await textOf(browser, "glance-counts");
    assert.ok(counts.includes(`${n("green")} on target`), counts);
    assert.ok(counts.includes(`${n("amber")} near`), counts);
    assert.ok(counts.includes(`${n("red")} off target`), counts);
    assert.ok(perChannel("service_level").length > 1, "the demo has service level on several channels");
    const voice = ch.groups.find((g) => g.key.channel === "voice").metrics.service_level;
    const sl = await browser.$('[data-testid="glance-service_level-voice"] .kpi-value');
    assert.equal((await sl.getText()).trim(), `${(voice.value * 100).toFixed(1)}%`, "the glance shows the CLI's voice service level");
    assert.ok(!(await (await browser.$('[data-testid="glance-service_level"]')).isExisting()), "no blended service level across channels");
    assert.match(await textOf(browser, "next-steps"), /2026-Q4/, "the next step names the quarter to import next");

    // Contacts offered by month, drawn with axes by the render crate.
    const chart = await browser.$('[data-testid="volume-chart"] svg');
    assert.ok(await chart.isExisting(), "the volume chart from the render crate is on the page");
    assert.match(await chart.getHTML(), /Sept 2026/, "months on the axis (CLDR en-GB: Sept)");

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
