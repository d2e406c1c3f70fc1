// Opening a .qbr file from the file manager starts `qbr-desk PATH` (the desktop entry's Exec=qbr-desk %f):
// the app opens that workspace straight away; a path that is not a file leaves the start page usable.
import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import { mkdirSync } from "node:fs";
import path from "node:path";
import { test } from "node:test";
import { QBR, makeHome, qbrJson, screenshot, startApp, textOf } from "./harness.mjs";

test("a workspace named on the command line opens at start, and its scorecard matches the CLI", async () => {
  const home = makeHome();
  // Somewhere outside the app's data folder, with a space in the name, like a user's own folder.
  const folder = path.join(home, "QBR files");
  execFileSync(QBR, ["demo", folder]);
  const file = path.join(folder, "northwind-mobile.qbr");
  const { browser, stop } = await startApp(home, [file]);
  try {
    assert.equal(await textOf(browser, "client-name"), "Northwind Mobile");
    await (await browser.$('[data-testid="tab-scorecard"]')).click();
    assert.match(await textOf(browser, "scorecard-period"), /^2026-Q3 · /);
    const cli = qbrJson("metrics", file, "--period", "2026-Q3");
    const sl = cli.groups[0].metrics.service_level.value;
    assert.equal(await textOf(browser, "value-service_level"), `${(sl * 100).toFixed(1)}%`);
    await screenshot(browser, "launch-with-file.png");
  } finally {
    await stop();
  }
});

test("a folder named on the command line is refused in words on the start page", async () => {
  const home = makeHome();
  const folder = path.join(home, "not-a-file.qbr");
  mkdirSync(folder);
  const { browser, stop } = await startApp(home, [folder]);
  try {
    const message = await textOf(browser, "error");
    assert.match(message, /not-a-file\.qbr is not a QBR Desk workspace: it is a folder/);
    const demoButton = await browser.$('[data-testid="open-demo"]');
    assert.ok(await demoButton.isDisplayed(), "the start page stays usable");
  } finally {
    await stop();
  }
});
