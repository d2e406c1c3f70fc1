// Root causes and actions from the app: a cause added by choosing a week on a metric's chart and an
// action created for that metric both appear on the chart (its SVG and the labelled list under it),
// reach the workspace as the CLI reads it, and a deleted cause comes back with Undo.
import assert from "node:assert/strict";
import path from "node:path";
import { test } from "node:test";
import { attentionSettled, dataDir, makeHome, openDemo, pickDate, qbrJson, screenshot, startApp, textOf } from "./harness.mjs";

async function chartSvg(browser) {
  return (await browser.$(".trend svg")).getHTML();
}

test("a cause added from the chart and an action for the metric are both marked on its chart", async () => {
  const home = makeHome();
  const { browser, stop } = await startApp(home);
  try {
    await openDemo(browser);
    const file = path.join(dataDir(home), "demo", "northwind-mobile.qbr");

    await (await browser.$('[data-testid="tab-scorecard"]')).click();
    // The attention list above the tiles fills in after them and pushes them down: a click
    // aimed at a tile before then can land on the one that moves into its place.
    await attentionSettled(browser, 30000);
    const open = await browser.$('[data-testid="open-service_level"]');
    await open.waitForClickable({ timeout: 30000 });
    await open.click();
    assert.equal(await textOf(browser, "detail-name"), "Service level");
    // The demo's own notes (the firmware roll-out and its actions) are on the chart already.
    assert.doesNotMatch(await chartSvg(browser), /Firmware 3\.2 release/, "the new cause is not on the chart yet");

    // Each week of the chart is a labelled button laid over it; choose 2026-W31.
    const week = await browser.$('[data-testid="week-2026-W31"]');
    await week.waitForClickable({ timeout: 20000 });
    // Named by its days in the workspace's locale (ISO 2026-W31 is Monday 27 July to Sunday 2 August).
    assert.match(await week.getAttribute("aria-label"), /^Add a cause for the week 27 Jul – 2 Aug 2026 \(\d+\.\d%\)$/);
    // The axis names months, not ISO weeks: the 52 weeks to 30 Sept 2026 start in October 2025,
    // so the first month named carries its year, as does January; the others read alone.
    const axis = await chartSvg(browser);
    assert.doesNotMatch(axis, />2026-W\d\d</, "no ISO week on the axis");
    for (const month of ["Oct 2025", "Jan 2026", "Jul", "Sept"]) assert.match(axis, new RegExp(`>${month}<`), `${month} on the axis`);
    await week.click();
    const form = await browser.$('[data-testid="cause-form"]');
    await form.waitForDisplayed({ timeout: 20000 });
    assert.equal(await (await browser.$('[data-testid="cause-from"]')).getAttribute("data-value"), "2026-07-27", "the week's first day");
    assert.equal(await (await browser.$('[data-testid="cause-to"]')).getAttribute("data-value"), "2026-08-02", "the week's last day");
    // Shown in the workspace's locale (en-GB): day, month, year.
    assert.equal(await (await browser.$('[data-testid="cause-from"] [data-testid="cause-from-day"]')).getText(), "27");
    assert.equal(await (await browser.$('[data-testid="cause-scope-dim"]')).getValue(), "", "the page's scope: the whole account");
    await (await browser.$('[data-testid="cause-title"]')).setValue("Firmware 3.2 release");
    await (await browser.$('[data-testid="cause-category"]')).selectByAttribute("value", "technology");
    await screenshot(browser, "annotate-cause-form.png");
    const cause_save = await browser.$('[data-testid="cause-save"]');
    await cause_save.scrollIntoView({ block: "center" });
    await cause_save.click();

    const markers = await browser.$('[data-testid="markers"]');
    await browser.waitUntil(async () => (await markers.isExisting()) && /Firmware 3\.2 release/.test(await markers.getText()), {
      timeout: 20000,
      timeoutMsg: "the cause is listed under the chart",
    });
    assert.match(await markers.getText(), /27 Jul 2026 Cause: Firmware 3\.2 release \(account\)/);
    let svg = await chartSvg(browser);
    assert.match(svg, />Firmware 3\.2 release \(account\)</, "the cause is labelled on the chart");
    assert.match(svg, />Cause</, "and has its legend entry");
    const mine = (list) => list.filter((c) => c.fields.title === "Firmware 3.2 release");
    const causes = mine(qbrJson("cause", file, "list", "--metric", "service_level"));
    assert.equal(causes.length, 1, "the CLI reads the cause the app added");
    assert.deepEqual(
      [causes[0].fields.period_from, causes[0].fields.period_to, causes[0].fields.category, causes[0].fields.scope],
      ["2026-07-27", "2026-08-02", "technology", null],
    );
    // The week's button lies over the week where the cause is drawn: hovered, it shades that week.
    await (await browser.$('[data-testid="week-2026-W31"]')).moveTo();
    await screenshot(browser, "annotate-cause-on-chart.png");

    // An action on the same metric, started in August and done at its end.
    await (await browser.$('[data-testid="add-action"]')).click();
    await (await browser.$('[data-testid="action-form"]')).waitForDisplayed({ timeout: 20000 });
    assert.equal(await (await browser.$('[data-testid="action-metric"]')).getValue(), "service_level", "prefilled with the metric");
    await (await browser.$('[data-testid="action-title"]')).setValue("Firmware playbook");
    await (await browser.$('[data-testid="action-owner"]')).setValue("Dana");
    await (await browser.$('[data-testid="action-status"]')).selectByAttribute("value", "done");
    await pickDate(browser, "action-start", "2026-08-03");
    await pickDate(browser, "action-due", "2026-08-31");
    await pickDate(browser, "action-completed", "2026-08-31");
    await screenshot(browser, "annotate-action-form.png");
    const action_save = await browser.$('[data-testid="action-save"]');
    await action_save.scrollIntoView({ block: "center" });
    await action_save.click();

    await browser.waitUntil(async () => /Action done: Firmware playbook/.test(await markers.getText()), {
      timeout: 20000,
      timeoutMsg: "the action's dates are listed under the chart",
    });
    const listed = await markers.getText();
    assert.match(listed, /3 Aug 2026 Action started: Firmware playbook/);
    assert.match(listed, /31 Aug 2026 Action done: Firmware playbook/);
    svg = await chartSvg(browser);
    for (const legend of ["Cause", "Action start", "Action finish"]) {
      assert.match(svg, new RegExp(`>${legend}<`), `the chart's legend has ${legend}`);
    }
    assert.match(svg, />Firmware playbook</, "the action is labelled on the chart");
    const actions = qbrJson("action", file, "list", "--metric", "service_level").filter((a) => a.title === "Firmware playbook");
    assert.equal(actions.length, 1);
    assert.deepEqual([actions[0].start_date, actions[0].completed_on, actions[0].status], ["2026-08-03", "2026-08-31", "done"]);
    await screenshot(browser, "annotate-cause-and-action-on-chart.png");

    // Deleting the cause asks first, and Undo brings it back.
    await (await browser.$(`[data-testid="delete-cause-${causes[0].id}"]`)).click();
    const confirm = await browser.$('[data-testid="confirm-dialog"]');
    await confirm.waitForDisplayed({ timeout: 20000 });
    await screenshot(browser, "annotate-confirm-delete.png");
    await (await browser.$('[data-testid="confirm-ok"]')).click();
    const toast = await browser.$('[data-testid="toast"]');
    await toast.waitForDisplayed({ timeout: 20000 });
    await browser.waitUntil(async () => !/Firmware 3\.2 release/.test(await markers.getText()), {
      timeout: 20000,
      timeoutMsg: "the deleted cause leaves the chart",
    });
    assert.equal(mine(qbrJson("cause", file, "list")).length, 0, "deleted in the workspace");
    await screenshot(browser, "annotate-undo-toast.png");
    await (await browser.$('[data-testid="toast-undo"]')).click();
    await browser.waitUntil(async () => /Firmware 3\.2 release/.test(await markers.getText()), {
      timeout: 20000,
      timeoutMsg: "Undo puts the cause back on the chart",
    });
    assert.equal(mine(qbrJson("cause", file, "list")).length, 1, "restored in the workspace");

    // An edit keeps the earlier state: the cause's History says what changed.
    await (await browser.$('button[aria-label="Edit the cause Firmware 3.2 release"]')).click();
    await (await browser.$('[data-testid="cause-form"]')).waitForDisplayed({ timeout: 20000 });
    await (await browser.$('[data-testid="cause-title"]')).setValue("Firmware 3.2.1 release");
    const edit_save = await browser.$('[data-testid="cause-save"]');
    await edit_save.scrollIntoView({ block: "center" });
    await edit_save.click();
    await browser.waitUntil(async () => /Firmware 3\.2\.1 release/.test(await markers.getText()), {
      timeout: 20000,
      timeoutMsg: "the edited title is on the chart",
    });
    const history_button = await browser.$(`[data-testid="history-cause-${causes[0].id}"]`);
    await history_button.scrollIntoView({ block: "center" });
    await history_button.click();
    const history = await browser.$(`[data-testid="cause-history-${causes[0].id}"]`);
    await browser.waitUntil(async () => /Title: “Firmware 3\.2 release” → “Firmware 3\.2\.1 release”/.test(await history.getText()), {
      timeout: 20000,
      timeoutMsg: "the history names the title change",
    });
    const shown = qbrJson("cause", file, "show", String(causes[0].id));
    assert.equal(shown.history.length, 1, "one earlier state kept, as the CLI reads it");
    assert.equal(shown.history[0].previous.title, "Firmware 3.2 release");
    await screenshot(browser, "annotate-cause-history.png");

    // The action on the board, and its page with the effect.
    await (await browser.$('[data-testid="tab-actions"]')).click();
    const card = await browser.$(`[data-testid="card-${actions[0].id}"]`);
    await card.waitForDisplayed({ timeout: 20000 });
    const done = await browser.$('section[aria-labelledby="col-done"]');
    assert.match(await done.getText(), /Firmware playbook/, "in the Done column");
    await screenshot(browser, "annotate-board.png");
    await (await card.$("button")).click();
    assert.equal(await textOf(browser, "action-name"), "Firmware playbook");
    const verdict = await textOf(browser, "verdict");
    const effect = qbrJson("action", file, "effect", String(actions[0].id));
    const words = { improved: "Improved", worsened: "Worsened", no_clear_change: "No clear change", too_early: "Too early to tell" };
    assert.match(verdict, new RegExp(`${words[effect.verdict]}$`), "the app's verdict is the CLI's");
    assert.match(await textOf(browser, "effect-test"), /p [<=] /);
    const effectSvg = await (await browser.$('[data-testid="effect"] .trend svg')).getHTML();
    assert.match(effectSvg, />Before</);
    assert.match(effectSvg, />After</);
    await screenshot(browser, "annotate-action-page.png");
    await (await browser.$('[data-testid="effect-test"]')).scrollIntoView({ block: "center" });
    await screenshot(browser, "annotate-action-effect.png");
  } finally {
    await stop();
  }
});
