// The pack page on the demo: the builder proposes highlights, the live preview shows the real
// pages, and Export writes a PDF (the save dialog stands in as QBR_DESK_TEST_SAVE_DIR in debug
// builds) whose snapshot `qbr packs --json` lists, then the same pages as a PowerPoint deck, and
// the deck again in a PowerPoint template chosen on the page (QBR_DESK_TEST_PICK_FILES stands in
// for the open dialog).
import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import { copyFileSync, existsSync, readFileSync, writeFileSync } from "node:fs";
import path from "node:path";
import { test } from "node:test";
import { dataDir, makeHome, openDemo, previewShows, qbrJson, ROOT, screenshot, startApp, textOf } from "./harness.mjs";

test("build the demo's pack, see its pages, export it", async () => {
  const home = makeHome();
  const saveDir = path.join(home, "exports");
  const { mkdirSync } = await import("node:fs");
  mkdirSync(saveDir);
  const picked = path.join(home, "company-template.potx");
  const { browser, stop } = await startApp(home, [], { QBR_DESK_TEST_SAVE_DIR: saveDir, QBR_DESK_TEST_PICK_FILES: picked });
  try {
    await openDemo(browser);
    await (await browser.$('[data-testid="tab-pack"]')).click();

    const highlights = await browser.$('[data-testid="pack-highlights"]');
    await highlights.waitForDisplayed({ timeout: 30000 });
    assert.match(await highlights.getValue(), /\*\*Off target:\*\* Voice service level \d+\.\d% against the ≥ 82\.0% target/, "the app proposes the quarter's story");

    // The preview draws the real pages as images.
    await browser.waitUntil(async () => (await browser.$$('[data-testid="pack-page"]')).length >= 5, {
      timeout: 60000,
      timeoutMsg: "the preview shows the pages",
    });
    const pages = await browser.$$('[data-testid="pack-page"]');
    const src = await pages[0].getAttribute("src");
    assert.ok(src.startsWith("data:image/svg+xml"), "pages are images, not injected markup");
    await (await browser.$('[data-testid="pack-prepared-by"]')).setValue("Dana Whitfield");
    await (await browser.$('[data-testid="audience-client"]')).click();
    await previewShows(browser, "client");
    await screenshot(browser, "pack-builder.png");

    await (await browser.$('[data-testid="pack-export"]')).click();
    const done = await textOf(browser, "pack-exported");
    assert.match(done, /Saved \d+ pages to/);
    const pdf = path.join(saveDir, "northwind-mobile-qbr-2026-q3-client.pdf");
    assert.ok(existsSync(pdf), `the PDF is written: ${pdf}`);
    assert.equal(readFileSync(pdf).subarray(0, 5).toString(), "%PDF-");

    const file = path.join(dataDir(home), "demo", "northwind-mobile.qbr");
    const packs = qbrJson("packs", file);
    assert.equal(packs.length, 1);
    assert.equal(packs[0].audience, "client");
    assert.equal(packs[0].period_label, "2026-Q3");
    // The list is reloaded after the export message appears: wait for it rather than race it.
    await browser.waitUntil(async () => (await browser.$$('[data-testid="pack-snapshots"] tbody tr')).length === 1, {
      timeout: 20000,
      timeoutMsg: "the past exports list shows the one export",
    });
    const rows = await browser.$$('[data-testid="pack-snapshots"] tbody tr');
    assert.match(await rows[0].getText(), /2026-Q3/, "the listed export is the quarter's");
    await screenshot(browser, "pack-exported.png");

    // The same pages as a PowerPoint deck: the format choice, the same export button.
    await (await browser.$('[data-testid="pack-format"]')).selectByAttribute("value", "pptx");
    const button = await browser.$('[data-testid="pack-export"]');
    assert.equal(await button.getText(), "Export PowerPoint…");
    await button.click();
    await browser.waitUntil(async () => /Saved \d+ slides to/.test(await (await browser.$('[data-testid="pack-exported"]')).getText()), {
      timeout: 60000,
      timeoutMsg: "the deck export says how many slides it saved",
    });
    const deck = path.join(saveDir, "northwind-mobile-qbr-2026-q3-client.pptx");
    assert.ok(existsSync(deck), `the deck is written: ${deck}`);
    assert.equal(readFileSync(deck).subarray(0, 4).toString("latin1"), "PK\u0003\u0004", "a zip package");
    const decks = qbrJson("packs", file);
    assert.equal(decks.length, 2, "the deck's snapshot is listed too");
    assert.ok(decks.some((p) => p.file_name.endsWith(".pptx")));
    assert.equal(decks[0].pages, decks[1].pages, "as many slides as the PDF has pages");
    await screenshot(browser, "pack-exported-pptx.png");

    // A PowerPoint template, chosen on the page. A file that is not one is refused with the
    // core's message (the same as `qbr export --template`), and nothing is chosen.
    writeFileSync(picked, "just some text");
    await (await browser.$('[data-testid="deck-template-choose"]')).click();
    const refused = await textOf(browser, "pack-error");
    assert.match(refused, /company-template\.potx/, "the refusal names the file");
    assert.match(refused, /not a PowerPoint file/, "the core's reason");
    assert.ok(!(await (await browser.$('[data-testid="deck-template-name"]')).isExisting()), "a refused file is not chosen");
    copyFileSync(path.join(ROOT, "fixtures", "deck", "plum-template.potx"), picked);
    await (await browser.$('[data-testid="deck-template-choose"]')).click();
    // The name is cut with an ellipsis when long: read its text content, not the rendered text
    // WebKit reports for a clipped box.
    const chosen = await browser.$('[data-testid="deck-template-name"]');
    await chosen.waitForDisplayed({ timeout: 20000 });
    assert.equal((await chosen.getProperty("textContent")).trim(), "company-template.potx", "the chosen file's name is shown");
    await screenshot(browser, "pack-deck-template.png");
    const before = readFileSync(deck);
    await (await browser.$('[data-testid="pack-export"]')).click();
    await browser.waitUntil(async () => {
      const now = existsSync(deck) ? readFileSync(deck) : before;
      return !now.equals(before) && /Saved \d+ slides to/.test(await (await browser.$('[data-testid="pack-exported"]')).getText());
    }, { timeout: 60000, timeoutMsg: "the deck is exported again, in the template" });
    // The deck carries the template's layouts (by name) and its theme's font, as the CLI's
    // `--template` test checks.
    const layouts = execFileSync("unzip", ["-p", deck, "ppt/slideLayouts/*.xml"]).toString();
    const names = [...layouts.matchAll(/<p:cSld name="([^"]*)"/g)].map((x) => x[1]);
    for (const name of ["Plum Title", "Plum Title Only", "Plum Title and Content", "Plum Blank"]) {
      assert.ok(names.includes(name), `the deck has the template's layout "${name}": ${names.join(", ")}`);
    }
    const theme = execFileSync("unzip", ["-p", deck, "ppt/theme/theme1.xml"]).toString();
    assert.match(theme, /DejaVu Serif/, "the template's theme font");
    // Cleared, the page offers the choice again.
    await (await browser.$('[data-testid="deck-template-clear"]')).click();
    await (await browser.$('[data-testid="deck-template-choose"]')).waitForDisplayed({ timeout: 10000 });
  } finally {
    await stop();
  }
});
