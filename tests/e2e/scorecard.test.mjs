// The scorecard of the demo opens on the latest complete quarter, and its tiles show the figures
// `qbr metrics --json` computes for the same workspace and period.
import assert from "node:assert/strict";
import path from "node:path";
import { test } from "node:test";
import { attentionAnswers, attentionSettled, changeSelect, dataDir, makeHome, openDemo, pickOnFirstAttention, qbrJson, screenshot, startApp, textOf } from "./harness.mjs";

const pct = (v) => `${(v * 100).toFixed(1)}%`;
const clock = (s) => {
  const t = Math.round(s);
  return `${Math.floor(t / 60)}:${String(t % 60).padStart(2, "0")}`;
};

/** Opens the demo's scorecard and waits for its attention list. */
async function openScorecard(browser) {
  await openDemo(browser);
  await (await browser.$('[data-testid="tab-scorecard"]')).click();
  await attentionSettled(browser);
}

test("scorecard tiles match the CLI, and grouping by program shows one column per program", async () => {
  const home = makeHome();
  const { browser, stop } = await startApp(home);
  try {
    await openDemo(browser);
    await (await browser.$('[data-testid="tab-scorecard"]')).click();

    const period = await textOf(browser, "scorecard-period");
    assert.match(period, /^2026-Q3 · 1 Jul 2026 – 30 Sept 2026$/, "opens on the latest complete quarter");

    const file = path.join(dataDir(home), "demo", "northwind-mobile.qbr");
    const cli = qbrJson("metrics", file, "--period", "2026-Q3");
    const m = cli.groups[0].metrics;
    assert.equal(await textOf(browser, "value-service_level"), pct(m.service_level.value));
    assert.equal(await textOf(browser, "value-aht"), clock(m.aht.value));
    assert.equal(await textOf(browser, "value-csat"), pct(m.csat.value));
    const slTile = await textOf(browser, "tile-service_level");
    assert.match(slTile, /≥ 82\.0%/, "the tile states the contract target");
    assert.match(slTile, new RegExp(m.service_level.status === "green" ? "On target" : m.service_level.status === "amber" ? "Near target" : "Off target"));
    await screenshot(browser, "scorecard.png");

    // Drill into service level from its tile: the same value, the formula, the trend with target.
    await (await browser.$('[data-testid="open-service_level"]')).click();
    assert.equal(await textOf(browser, "detail-name"), "Service level");
    assert.equal(await textOf(browser, "detail-value"), pct(m.service_level.value));
    assert.equal(await textOf(browser, "detail-formula"), cli.definitions.find((d) => d.id === "service_level").formula);
    const trend = await browser.$(".trend svg");
    assert.match(await trend.getHTML(), /Target ≥ 82.0%/, "the trend chart draws the contract target");
    assert.match(await textOf(browser, "trend-text"), /^Trend over \d+ weeks: [+−]?[\d.]+ pp a week, (improving|worsening)\.$/);
    const breakdownRows = await browser.$$('[data-testid="breakdown"] tbody tr');
    assert.equal(breakdownRows.length, 3, "one row per program");
    await screenshot(browser, "metric-detail.png");
    await (await browser.$('[data-testid="tab-scorecard"]')).click();
    // The page asks for its attention list once it is painted: that request is the page's
    // opening, not the switch's, so it must have arrived before the switch is watched.
    await attentionSettled(browser);

    // Which commands a switch asks for: Tauri's IPC goes through fetch here, one request each.
    await browser.execute(() => {
      window.__asked = [];
      const fetch = window.fetch.bind(window);
      window.fetch = (url, init) => {
        window.__asked.push(String(url).replace(/^.*\//, ""));
        return fetch(url, init);
      };
    });
    const asked = async () => {
      await browser.pause(500);
      return browser.execute(() => window.__asked.splice(0).filter((c) => c === "scorecard" || c === "attention").sort());
    };
    const picker = await browser.$('[data-testid="group-picker"]');
    await picker.selectByAttribute("value", "program");
    const table = await browser.$('[data-testid="scorecard-table"]');
    await table.waitForDisplayed({ timeout: 20000 });
    // The attention list depends on the period alone: grouping does not ask for it again.
    assert.deepEqual(await asked(), ["scorecard"], "a grouping switch asks for the scorecard only");
    // Members are the columns (headers stay on one line), metrics the rows, grouped by family.
    const members = [];
    // textContent: a long name is clipped with an ellipsis, and WebKit reports no rendered text for it.
    for (const h of await browser.$$('[data-testid="member-col"]')) members.push((await h.getProperty("textContent")).trim());
    assert.deepEqual(members, ["Billing", "Sales", "Tech Support"]);
    const byProgram = qbrJson("metrics", file, "--period", "2026-Q3", "--by", "program");
    const tech = byProgram.groups.find((g) => g.label === "Tech Support").metrics.service_level.value;
    const slRow = await (await browser.$('[data-testid="row-service_level"]')).getText();
    assert.ok(slRow.includes(pct(tech)), `${slRow} has Tech Support's ${pct(tech)}`);
    await screenshot(browser, "scorecard-by-program.png");
    await (await browser.$('[data-testid="period-picker"]')).selectByAttribute("value", "2026-Q2");
    await browser.waitUntil(async () => (await textOf(browser, "scorecard-period")).startsWith("2026-Q2"), { timeout: 20000 });
    assert.deepEqual(await asked(), ["attention", "scorecard"], "a period switch asks for both, once each");
    // Back to the whole account: the tiles (kept hidden while grouped, last drawn for 2026-Q3)
    // show 2026-Q2's figures, and the table is gone.
    await picker.selectByAttribute("value", "");
    await browser.waitUntil(async () => !(await (await browser.$('[data-testid="scorecard-table"]')).isExisting()), {
      timeout: 20000,
      timeoutMsg: "the table goes once the whole account is picked",
    });
    const q2 = qbrJson("metrics", file, "--period", "2026-Q2").groups[0].metrics;
    assert.notEqual(pct(q2.service_level.value), pct(m.service_level.value), "the demo's two quarters differ");
    const slValue = await browser.$('[data-testid="value-service_level"]');
    assert.ok(await slValue.isDisplayed(), "the tiles are shown again");
    assert.equal(await slValue.getText(), pct(q2.service_level.value));
    assert.equal(await textOf(browser, "value-aht"), clock(q2.aht.value));
  } finally {
    await stop();
  }
});

test("the period picked in the header is shared by the pages and remembered with the workspace", async () => {
  const home = makeHome();
  let app = await startApp(home);
  try {
    await openDemo(app.browser);
    await (await app.browser.$('[data-testid="tab-scorecard"]')).click();
    await (await app.browser.$('[data-testid="period-picker"]')).selectByAttribute("value", "2026-Q1");
    await app.browser.waitUntil(async () => (await textOf(app.browser, "scorecard-period")).startsWith("2026-Q1 ·"), {
      timeout: 20000,
      timeoutMsg: "the scorecard follows the header's picker",
    });
    await (await app.browser.$('[data-testid="tab-pack"]')).click();
    assert.equal(await textOf(app.browser, "pack-period"), "2026-Q1", "the pack follows it too");
  } finally {
    await app.stop();
  }
  // A new start with no argument reopens the last workspace on the last period chosen in it.
  app = await startApp(home);
  try {
    assert.equal(await textOf(app.browser, "client-name"), "Northwind Mobile");
    await (await app.browser.$('[data-testid="tab-scorecard"]')).click();
    assert.match(await textOf(app.browser, "scorecard-period"), /^2026-Q1 · 1 Jan 2026 – 31 Mar 2026$/);
    const picker = await app.browser.$('[data-testid="period-picker"]');
    assert.equal(await picker.getValue(), "2026-Q1");
  } finally {
    await app.stop();
  }
});

test("a period picked while the last one's attention list is computed: that list stops, the new one arrives", async () => {
  const home = makeHome();
  const { browser, stop } = await startApp(home);
  try {
    await openScorecard(browser);
    // In the page: pick 2026-Q2, and the moment its attention list is asked for, pick 2026-Q1.
    // Every attention answer is kept with the period it was asked for.
    await pickOnFirstAttention(browser, "period-picker", "2026-Q1");
    await changeSelect(browser, "period-picker", "2026-Q2");
    await browser.waitUntil(async () => (await textOf(browser, "scorecard-period")).startsWith("2026-Q1 ·"), { timeout: 20000, timeoutMsg: "the page shows 2026-Q1" });
    const [q2, q1] = await attentionAnswers(browser, 2, "both attention requests are answered");
    assert.deepEqual([q2.period, q2.cancelled], ["2026-Q2", true], "2026-Q2's list stopped as cancelled");
    assert.deepEqual([q1.period, q1.arrived], ["2026-Q1", true], "2026-Q1's list arrived");
    await attentionSettled(browser);
    const list = await textOf(browser, "attention");
    assert.match(list, /in 2026-Q1, most important first/, "the list is 2026-Q1's");
    assert.doesNotMatch(list, /cancel/i, "and says nothing of the list that stopped");
  } finally {
    await stop();
  }
});

test("a period whose scorecard fails: the page and its picker keep the period shown, and its attention list, stopped meanwhile, comes", async () => {
  const home = makeHome();
  const { browser, stop } = await startApp(home);
  try {
    await openScorecard(browser);
    // A period the backend cannot read stands in for any scorecard that fails (a workspace on a
    // drive that went away, say): picked the moment 2026-Q2's list is asked for, it stops that
    // list, then fails.
    await browser.execute(() => {
      const option = document.createElement("option");
      option.value = option.textContent = "2026-Q9";
      document.querySelector('[data-testid="period-picker"]').appendChild(option);
    });
    await pickOnFirstAttention(browser, "period-picker", "2026-Q9");
    await changeSelect(browser, "period-picker", "2026-Q2");
    assert.match(await textOf(browser, "error"), /Q9/, "the failure is said");
    const [stopped, again] = await attentionAnswers(browser, 2, "2026-Q2's list is asked for again and answered");
    assert.deepEqual([stopped.period, stopped.cancelled], ["2026-Q2", true], "the first list stopped when 2026-Q9 was asked for");
    assert.deepEqual([again.period, again.arrived], ["2026-Q2", true], "the list asked again arrived");
    await attentionSettled(browser);
    assert.match(await textOf(browser, "attention"), /in 2026-Q2, most important first/);
    assert.match(await textOf(browser, "scorecard-period"), /^2026-Q2 ·/, "the page still shows 2026-Q2");
    assert.equal(await (await browser.$('[data-testid="period-picker"]')).getValue(), "2026-Q2", "and so does its picker");
  } finally {
    await stop();
  }
});

test("periods picked one right after the other: the page ends on the last, and a pick replaced before its turn is not computed", async () => {
  const home = makeHome();
  const { browser, stop } = await startApp(home);
  try {
    await openScorecard(browser);
    // The pickers stay enabled through a quick switch (no flash of greyed-out controls), so more
    // picks can come while one is computed. The page shows 2026-Q3. Operations run one at a time:
    // 2026-Q2 is computed at once, 2026-Q3 waits for it, and 2026-Q1, picked next, replaces
    // 2026-Q3 before its turn. 2026-Q2, replaced while it was computed, never reaches the page.
    const seen = await browser.executeAsync((done) => {
      const scorecards = [];
      const shown = [];
      const period = document.querySelector('[data-testid="scorecard-period"]');
      new MutationObserver(() => shown.push(period.textContent)).observe(period, { childList: true, characterData: true, subtree: true });
      const fetch = window.fetch.bind(window);
      window.fetch = (url, init) => {
        if (String(url).endsWith("/scorecard")) scorecards.push(JSON.parse(init.body).period);
        return fetch(url, init);
      };
      const picker = document.querySelector('[data-testid="period-picker"]');
      const pick = (p) => {
        picker.value = p;
        picker.dispatchEvent(new Event("change", { bubbles: true }));
      };
      pick("2026-Q2");
      const enabled = !picker.disabled;
      pick("2026-Q3");
      pick("2026-Q1");
      setTimeout(() => done({ scorecards, shown, enabled }), 2000);
    });
    assert.ok(seen.enabled, "the picker is not disabled for a quick switch");
    assert.deepEqual(seen.scorecards, ["2026-Q2", "2026-Q1"], "2026-Q3, replaced before its turn came, is never asked for");
    assert.ok(seen.shown.length > 0 && seen.shown.every((t) => t.startsWith("2026-Q1")), `only 2026-Q1 was shown: ${JSON.stringify(seen.shown)}`);
    assert.match(await textOf(browser, "scorecard-period"), /^2026-Q1 ·/);
    assert.equal(await (await browser.$('[data-testid="period-picker"]')).getValue(), "2026-Q1");
  } finally {
    await stop();
  }
});

test("grouping right after a workspace opens on its latest quarter does not stop that quarter's attention list", async () => {
  const home = makeHome();
  const { browser, stop } = await startApp(home);
  try {
    // A new home: no period remembered, so the first scorecard asks for the latest quarter by no
    // name. Grouping then asks for it by name (2026-Q3), which is the same period.
    await openDemo(browser);
    // The first list asked for with the group picker on the page is the scorecard's.
    await pickOnFirstAttention(browser, "group-picker", "program");
    await (await browser.$('[data-testid="tab-scorecard"]')).click();
    await (await browser.$('[data-testid="scorecard-table"]')).waitForDisplayed({ timeout: 20000 });
    await attentionSettled(browser);
    // Every list asked for from the grouping on is 2026-Q3's and arrives; none is stopped.
    const answers = await attentionAnswers(browser, 1, "the list was asked for");
    for (const a of answers) {
      assert.deepEqual([a.period, a.arrived], ["2026-Q3", true], `the list arrived, not cancelled: ${a.body.slice(0, 80)}`);
    }
    assert.match(await textOf(browser, "attention"), /in 2026-Q3, most important first/);
  } finally {
    await stop();
  }
});
