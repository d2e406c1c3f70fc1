// The workspace's locale (Settings → Dates) sets how every date reads: a page's dates, a form's
// date field and the months on the overview's chart follow it, and the CLI reads the setting the
// app saved. The expected texts are CLDR's (as qbr-format's vectors, checked against Intl).
import assert from "node:assert/strict";
import path from "node:path";
import { test } from "node:test";
import { click, dataDir, makeHome, pick, qbrJson, screenshot, startApp, textOf } from "./harness.mjs";

/** The date field's layout in screen order, each part by name and each separator as shown:
 * "month/day/year". */
async function fieldLayout(browser, testId) {
  return browser.execute(
    (id) =>
      Array.from(document.querySelectorAll(`[data-testid="${id}"] [data-segment]`))
        .filter((s) => s.getAttribute("data-segment") !== "trigger")
        .map((s) => (s.getAttribute("data-segment") === "literal" ? s.textContent : s.getAttribute("data-segment")))
        .join(""),
    testId,
  );
}

async function chooseLocale(browser, file, name, tag) {
  await click(browser, "tab-settings");
  await pick(browser, "settings-locale", name);
  await click(browser, "save-settings");
  await browser.waitUntil(async () => qbrJson("info", file).settings.locale === tag, {
    timeout: 20000,
    timeoutMsg: `${tag} reached the workspace`,
  });
  // The app reloads the workspace's settings after saving: wait until its forms use the locale.
  await (await browser.$(`[data-testid="target-from"][data-locale="${tag}"]`)).waitForExist({ timeout: 20000 });
}

test("dates on pages, in forms and on the chart follow the workspace's locale", async () => {
  const home = makeHome();
  const { browser, stop } = await startApp(home);
  try {
    await click(browser, "open-demo");
    await textOf(browser, "client-name");
    const file = path.join(dataDir(home), "demo", "northwind-mobile.qbr");
    assert.equal(qbrJson("info", file).settings.locale, "en-GB", "the default");
    assert.equal(await textOf(browser, "data-range"), "1 Jan 2025 – 30 Sept 2026");

    // en-US: month first, on the page and in the form.
    await chooseLocale(browser, file, "American English", "en-US");
    assert.equal(await fieldLayout(browser, "target-from"), "month/day/year", "the form's date in US order");
    await screenshot(browser, "locale-en-us-settings.png");
    await click(browser, "tab-summary");
    assert.equal(await textOf(browser, "data-range"), "Jan 1, 2025 – Sep 30, 2026", "the page's dates in US order");
    assert.match(await (await browser.$('[data-testid="volume-chart"]')).getHTML(), />Sep 2026</, "months on the axis");
    assert.doesNotMatch(await (await browser.$('[data-testid="volume-chart"]')).getHTML(), /Sept/, "no en-GB month left");

    // de-DE: day first with dots, German month names.
    await chooseLocale(browser, file, "German (Germany)", "de-DE");
    assert.equal(await fieldLayout(browser, "target-from"), "day.month.year", "the form's date in German order");
    await click(browser, "tab-summary");
    assert.equal(await textOf(browser, "data-range"), "1. Jan. 2025 – 30. Sept. 2026");
    assert.match(await (await browser.$('[data-testid="volume-chart"]')).getHTML(), />(Jan\.|Feb\.|März|Apr\.|Mai|Juni|Juli|Aug\.|Sept\.|Okt\.|Nov\.|Dez\.) 202[56]</, "German months on the axis");
    assert.doesNotMatch(await (await browser.$('[data-testid="volume-chart"]')).getHTML(), />(Jul|Sep) 202[56]</, "no English month left");
    await screenshot(browser, "locale-de-de-overview.png");

    // Closed, the start page has no workspace's locale: the demo's recent entry reads in the
    // demo's (German) as the recent list remembers it, not in en-GB.
    await (await browser.$('button[aria-label="Close workspace"]')).click();
    await (await browser.$('[data-testid="open-demo"]')).waitForDisplayed({ timeout: 20000 });
    // Opened seconds ago: today, as CLDR's German writes it ("7. Dez. 2026").
    const today = new Intl.DateTimeFormat("de-DE", { day: "numeric", month: "short", year: "numeric", timeZone: "UTC" }).format(new Date());
    const recent = await (await browser.$(".recent li")).getText();
    assert.ok(recent.includes(`opened ${today}`), `${recent} has "opened ${today}"`);
  } finally {
    await stop();
  }
});
