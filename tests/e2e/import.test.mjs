// Importing through the wizard: pick a file, see what will be read, import, see the result, then
// undo it from the history. The CLI reads the same workspace to confirm what the app did.
import assert from "node:assert/strict";
import { existsSync, rmSync, writeFileSync } from "node:fs";
import path from "node:path";
import { test } from "node:test";
import { confirmReadings, dataDir, makeHome, openDemo, qbrJson, ROOT, screenshot, startApp, textOf } from "./harness.mjs";

const FIXTURE = path.join(ROOT, "fixtures", "import", "interactions_generic.csv");

/** Opens the demo, notes what its workspace holds (`qbr info`), and picks the import fixture on
 * the import page; returns the workspace's path and that note. */
async function pickOnDemo(browser, home) {
  await openDemo(browser);
  const file = path.join(dataDir(home), "demo", "northwind-mobile.qbr");
  const before = qbrJson("info", file);
  await (await browser.$('[data-testid="tab-import"]')).click();
  await (await browser.$('[data-testid="choose-files"]')).click();
  return { file, before };
}

test("import a file through the wizard, then undo it", async () => {
  const home = makeHome();
  const { browser, stop } = await startApp(home, [], { QBR_DESK_TEST_PICK_FILES: FIXTURE });
  try {
    const { file, before } = await pickOnDemo(browser, home);
    assert.equal(await textOf(browser, "detected-kind"), "Contacts, one row each", "recognised by its headers, named in words");
    assert.equal(await (await browser.$('[data-testid="detected-kind"]')).getAttribute("data-kind"), "interactions");
    await screenshot(browser, "import-review.png");
    await confirmReadings(browser);
    await (await browser.$('[data-testid="start-import"]')).click();

    const line = await textOf(browser, "report-line");
    assert.match(line, /6 rows taken, 0 refused/, line);
    assert.match(line, /^Import #\d+: Contacts · /, "the kind of data in words");
    await screenshot(browser, "import-result.png");

    const after = qbrJson("info", file);
    const batch = after.imports.find((b) => b.file_name === "interactions_generic.csv");
    assert.ok(batch, "the CLI sees the import the app made");
    assert.equal(batch.rows_taken, 6);
    assert.equal(after.counts.interactions, before.counts.interactions + 6, "six contacts kept");
    assert.equal(after.contacts_offered, before.contacts_offered + 6, "rolled up into offered");

    await (await browser.$(`[data-testid="undo-${batch.id}"]`)).click();
    await (await browser.$(`[data-testid="confirm-undo-${batch.id}"]`)).click();
    await browser.waitUntil(
      async () => qbrJson("info", file).imports.find((b) => b.id === batch.id)?.undone === true,
      { timeout: 20000, timeoutMsg: "the undo reached the workspace" },
    );
    const undone = qbrJson("info", file);
    assert.equal(undone.contacts_offered, before.contacts_offered, "undo restores the figures");
    assert.equal(undone.counts.interactions, before.counts.interactions);
  } finally {
    await stop();
  }
});

test("an import goes on while other pages are looked at, and the workspace cannot be closed under it", async () => {
  const home = makeHome();
  // The app waits after each progress report while this file exists (debug builds only), so the
  // import is seen running however quick it is.
  const hold = path.join(home, "hold-import");
  writeFileSync(hold, "");
  const { browser, stop } = await startApp(home, [], { QBR_DESK_TEST_PICK_FILES: FIXTURE, QBR_DESK_TEST_IMPORT_HOLD: hold });
  try {
    const { file, before } = await pickOnDemo(browser, home);
    await textOf(browser, "detected-kind");
    await confirmReadings(browser);
    await (await browser.$('[data-testid="start-import"]')).click();
    await (await browser.$('[data-testid="cancel-import"]')).waitForDisplayed({ timeout: 30000, timeoutMsg: "the import shows it is running" });
    // Held at its first report: where it is, in words.
    assert.equal(await textOf(browser, "import-status"), "checking the file");

    // Held: the workspace cannot be closed, reloaded or swapped under the import, and says why.
    await (await browser.$('[data-testid="nav-importing"]')).waitForExist({ timeout: 10000, timeoutMsg: "the navigation shows an import running" });
    for (const id of ["close", "reload"]) {
      const b = await browser.$(`[data-testid="${id}"]`);
      assert.equal(await b.isEnabled(), false, `${id} is disabled while the import runs`);
      assert.match(await b.getAttribute("title"), /An import is running/);
    }

    // Another page meanwhile; back on the import page, the same import is still running.
    await (await browser.$('[data-testid="tab-summary"]')).click();
    await textOf(browser, "client-name");
    assert.equal(await (await browser.$('[data-testid="cancel-import"]')).isDisplayed(), false, "the import page is out of sight");
    await (await browser.$('[data-testid="tab-import"]')).click();
    await (await browser.$('[data-testid="cancel-import"]')).waitForDisplayed({ timeout: 10000, timeoutMsg: "the running import is shown again" });
    await screenshot(browser, "import-running.png");
    assert.equal(qbrJson("info", file).counts.interactions, before.counts.interactions, "nothing is kept before the import ends");

    // It ends while another page is shown: the workspace has it, and the import page its result.
    await (await browser.$('[data-testid="tab-scorecard"]')).click();
    rmSync(hold);
    await browser.waitUntil(async () => qbrJson("info", file).counts.interactions === before.counts.interactions + 6, {
      timeout: 30000,
      timeoutMsg: "the import reached the workspace",
    });
    await (await browser.$('[data-testid="close"]')).waitForEnabled({ timeout: 10000, timeoutMsg: "Close is enabled once the import is over" });
    assert.equal(await (await browser.$('[data-testid="nav-importing"]')).isExisting(), false);
    await (await browser.$('[data-testid="tab-import"]')).click();
    assert.match(await textOf(browser, "report-line"), /6 rows taken, 0 refused/);
    // Seen, it goes with the other pages when another one opens.
    await (await browser.$('[data-testid="tab-summary"]')).click();
    await textOf(browser, "client-name");
    assert.equal(await (await browser.$('[data-testid="import-kept"]')).isExisting(), false, "no import page is kept out of sight");
  } finally {
    if (existsSync(hold)) rmSync(hold);
    await stop();
  }
});

test("map an unknown export by hand in the wizard and save the mapping for next quarter", async () => {
  const home = makeHome();
  const odd = path.join(ROOT, "fixtures", "import", "interactions_odd_headers_q3.csv");
  const { browser, stop } = await startApp(home, [], { QBR_DESK_TEST_PICK_FILES: odd });
  try {
    await openDemo(browser);
    const file = path.join(dataDir(home), "demo", "northwind-mobile.qbr");

    await (await browser.$('[data-testid="tab-import"]')).click();
    await (await browser.$('[data-testid="choose-files"]')).click();
    assert.equal(await textOf(browser, "detected-kind"), "Kind not recognised");
    await (await browser.$('[data-testid="kind-picker"]')).selectByAttribute("value", "interactions");
    const pick = async (field, header) =>
      (await browser.$(`[data-testid="column-${field}"]`)).selectByAttribute("value", header);
    await pick("contact_id", "Ticket Ref");
    await pick("started_at", "Opened On");
    await pick("channel", "Media");
    await pick("queue", "Line");
    await pick("outcome", "Result");
    await pick("wait", "Waited");
    await pick("talk", "Talked");
    await (await browser.$('[data-testid="save-mapping-as"]')).setValue("Odd export");
    await screenshot(browser, "import-mapping.png");
    await (await browser.$('[data-testid="start-import"]')).click();

    assert.match(await textOf(browser, "report-line"), /3 rows taken, 0 refused/);
    const saved = qbrJson("mappings", file);
    assert.equal(saved.length, 1);
    assert.equal(saved[0].name, "Odd export");
    assert.deepEqual(
      saved[0].columns.map((c) => `${c.field}=${c.header}`).sort(),
      ["channel=Media", "contact_id=Ticket Ref", "outcome=Result", "queue=Line", "started_at=Opened On", "talk=Talked", "wait=Waited"],
      "the mapping chosen by hand is the one saved",
    );
  } finally {
    await stop();
  }
});

test("a real per-call export: the inferred readings are confirmed, the figures shown, an implausible reading asked about", async () => {
  const home = makeHome();
  const pwc = path.join(ROOT, "fixtures", "real", "pwc_call_center.csv");
  const { browser, stop } = await startApp(home, [], { QBR_DESK_TEST_PICK_FILES: pwc });
  try {
    const { file, before } = await pickOnDemo(browser, home);
    const readings = await textOf(browser, "readings");
    assert.match(readings, /Answered \(Y\/N\)/, "handled or abandoned is read from the answered column");
    const start = await browser.$('[data-testid="start-import"]');
    assert.equal(await start.isEnabled(), false, "inferred readings must be confirmed first");
    await screenshot(browser, "import-real-readings.png");

    // Read without the answered column, every call names an agent: abandonment 0% over 5,000
    // calls. The dry run shows it and asks; nothing is imported.
    await (await browser.$('[data-testid="column-answered_flag"]')).selectByAttribute("value", "");
    await start.click();
    const flag = await textOf(browser, "plausibility-abandonment_zero");
    assert.match(flag, /abandonment is 0% over 5000 contacts/, flag);
    assert.equal(await textOf(browser, "figure-abandon_rate"), "0.0%");
    await screenshot(browser, "import-real-check.png");
    assert.equal(qbrJson("info", file).imports.length, before.imports.length, "a dry run keeps nothing");
    await (await browser.$('[data-testid="back-to-review"]')).click();

    // Put the answered column back: now the figures are the file's.
    await (await browser.$('[data-testid="column-answered_flag"]')).selectByAttribute("value", "Answered (Y/N)");
    await start.click();
    assert.match(await textOf(browser, "report-line"), /5,000 rows taken, 0 refused/);
    assert.equal(await textOf(browser, "figure-abandon_rate"), "18.9%");
    assert.equal(await textOf(browser, "figure-fcr"), "89.9%");
    await screenshot(browser, "import-real-result.png");
    const batch = qbrJson("info", file).imports.find((b) => b.file_name === "pwc_call_center.csv");
    assert.equal(batch.rows_taken, 5000, "the CLI sees the import the app made");
  } finally {
    await stop();
  }
});
