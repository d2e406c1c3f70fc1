// What a supporter relies on in the app: one instance (opening a .qbr file while QBR Desk runs opens
// it in the running window), the log in the app's log folder, and a local crash report after a panic
// (forced through the debug-build switch QBR_FORCE_PANIC).
import assert from "node:assert/strict";
import { execFileSync, spawn } from "node:child_process";
import { existsSync, mkdirSync, readFileSync, readdirSync } from "node:fs";
import path from "node:path";
import { test } from "node:test";
import { APP, QBR, dataDir, makeHome, screenshot, startApp, textOf } from "./harness.mjs";

/** The app's log folder (Tauri's app_log_dir on Linux). */
const logDir = (home) => path.join(dataDir(home), "logs");

/** A private D-Bus session bus (the single-instance plugin finds the running app by a name on it);
 * returns { address, stop }. */
async function sessionBus() {
  const daemon = spawn("dbus-daemon", ["--session", "--nofork", "--print-address=1"], {
    stdio: ["ignore", "pipe", "inherit"],
  });
  const address = await new Promise((resolve, reject) => {
    let out = "";
    daemon.stdout.on("data", (chunk) => {
      out += chunk;
      if (out.includes("\n")) resolve(out.split("\n")[0].trim());
    });
    daemon.on("exit", (code) => reject(new Error(`dbus-daemon exited with ${code}`)));
  });
  return { address, stop: () => daemon.kill() };
}

/** Runs `qbr-desk args` in `cwd` as a second launch would; resolves with its exit code. */
function launchAgain(args, cwd, env, timeoutMs = 30000) {
  return new Promise((resolve, reject) => {
    const child = spawn(APP, args, { cwd, env, stdio: "ignore" });
    const timer = setTimeout(() => {
      child.kill("SIGKILL");
      reject(new Error(`the second launch did not end within ${timeoutMs} ms: it started a window of its own`));
    }, timeoutMs);
    child.on("exit", (code) => {
      clearTimeout(timer);
      resolve(code);
    });
  });
}

async function waitForText(browser, testId, expected) {
  await browser.waitUntil(
    async () => {
      const el = await browser.$(`[data-testid="${testId}"]`);
      return (await el.isExisting()) && (await el.getText()).trim() === expected;
    },
    { timeout: 30000, timeoutMsg: `${testId} never read ${expected}` },
  );
}

test("a second launch with a .qbr path opens it in the running window and ends", async () => {
  const bus = await sessionBus();
  const home = makeHome();
  const folder = path.join(home, "QBR files");
  mkdirSync(folder);
  execFileSync(QBR, ["demo", folder]);
  const first = path.join(folder, "northwind-mobile.qbr");
  execFileSync(QBR, ["init", path.join(folder, "second client.qbr"), "--client", "Second Client", "--timezone", "UTC"]);
  const env = {
    ...process.env,
    HOME: home,
    XDG_CONFIG_HOME: path.join(home, ".config"),
    XDG_DATA_HOME: path.join(home, ".local", "share"),
    XDG_CACHE_HOME: path.join(home, ".cache"),
    DBUS_SESSION_BUS_ADDRESS: bus.address,
  };
  const { browser, stop } = await startApp(home, [first], { DBUS_SESSION_BUS_ADDRESS: bus.address });
  try {
    assert.equal(await textOf(browser, "client-name"), "Northwind Mobile");
    // As the file manager does: the file's path, here relative to the folder it is run in.
    const code = await launchAgain(["second client.qbr"], folder, env);
    assert.equal(code, 0, "the second launch hands over its path and ends");
    await waitForText(browser, "client-name", "Second Client");
    await screenshot(browser, "support-second-launch.png");

    // Without a path, a second launch only brings the window forward: the workspace stays.
    assert.equal(await launchAgain([], folder, env), 0);
    await browser.pause(1000);
    assert.equal(await textOf(browser, "client-name"), "Second Client");

    const log = readFileSync(path.join(logDir(home), "qbr-desk.log"), "utf8");
    assert.match(log, /QBR Desk started/);
    assert.equal(log.match(/a second launch was handed to this window/g)?.length, 2, log);
    assert.ok(!log.includes("second client.qbr"), "the log names no workspace path");
  } finally {
    await stop();
    bus.stop();
  }
});

test("the app logs to its log folder: the demo's creation, each migration counted and timed", async () => {
  const home = makeHome();
  const { browser, stop } = await startApp(home);
  try {
    const demo = await browser.$('[data-testid="open-demo"]');
    await demo.waitForClickable({ timeout: 30000 });
    await demo.click();
    assert.equal(await textOf(browser, "client-name"), "Northwind Mobile");
    const log = readFileSync(path.join(logDir(home), "qbr-desk.log"), "utf8");
    // A new workspace runs every migration in one upgrade from format 0 to this build's format,
    // the one the CLI writes.
    const scratch = path.join(makeHome(), "format.qbr");
    const format = JSON.parse(execFileSync(QBR, ["init", scratch, "--json"], { encoding: "utf8" })).format_version;
    assert.ok(Number.isInteger(format) && format > 10, `format ${format}`);
    assert.match(log, new RegExp(`workspace format upgraded.*from=0 to=${format} elapsed_ms=\\d+`), log);
    assert.ok(!/Northwind/.test(log), "the client's name is not logged");
  } finally {
    await stop();
  }
});

test("a panic writes a crash report without client data to the log folder", async () => {
  const home = makeHome();
  // start_state panics in a debug build with this set; the value stands for client data.
  const { stop } = await startApp(home, [], { QBR_FORCE_PANIC: "Acme Secret Client" });
  try {
    const dir = logDir(home);
    const deadline = Date.now() + 30000;
    let reports = [];
    while (Date.now() < deadline) {
      reports = existsSync(dir) ? readdirSync(dir).filter((n) => n.startsWith("qbr-desk-crash-")) : [];
      if (reports.length) break;
      await new Promise((r) => setTimeout(r, 250));
    }
    assert.equal(reports.length, 1, `one crash report in ${dir}`);
    const text = readFileSync(path.join(dir, reports[0]), "utf8");
    assert.match(text, /^QBR Desk crash report\n/);
    assert.match(text, /^program: qbr-desk \d+\.\d+\.\d+$/m);
    assert.match(text, /^operation: start_state$/m, "the command under way");
    assert.match(text, /^backtrace:$/m);
    assert.ok(!text.includes("Acme Secret Client"), text);
  } finally {
    await stop();
  }
});
