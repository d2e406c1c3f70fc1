// Drives the real QBR Desk binary through tauri-driver and WebKitWebDriver (run under Xvfb).
// Each app session gets its own temporary HOME, so tests never touch the user's files.
import { spawn, execFileSync, spawnSync } from "node:child_process";
import { closeSync, mkdirSync, mkdtempSync, openSync, readFileSync } from "node:fs";
import net from "node:net";
import os from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { remote } from "webdriverio";

export const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../..");
const TARGET = process.env.CARGO_TARGET_DIR ?? path.join(ROOT, "target");
export const APP = process.env.QBR_DESK_APP ?? path.join(TARGET, "debug", "qbr-desk");
export const QBR = process.env.QBR_CLI ?? path.join(TARGET, "debug", "qbr");
export const ARTIFACTS = path.join(ROOT, "tests", "e2e", "artifacts");
export const IDENTIFIER = "app.qbrdesk.desktop";

function freePort() {
  return new Promise((resolve, reject) => {
    const srv = net.createServer();
    srv.listen(0, "127.0.0.1", () => {
      const { port } = srv.address();
      srv.close(() => resolve(port));
    });
    srv.on("error", reject);
  });
}

async function waitForPort(port, child, timeoutMs = 20000) {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (child.exitCode !== null) throw new Error(`tauri-driver exited with ${child.exitCode}`);
    const ok = await new Promise((resolve) => {
      const s = net.connect(port, "127.0.0.1", () => {
        s.end();
        resolve(true);
      });
      s.on("error", () => resolve(false));
    });
    if (ok) return;
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`tauri-driver did not listen on ${port} within ${timeoutMs} ms`);
}

/** A fresh home folder with the XDG folders the app uses. */
export function makeHome() {
  const home = mkdtempSync(path.join(os.tmpdir(), "qbr-e2e-"));
  for (const d of [".config", ".local/share", ".cache"]) mkdirSync(path.join(home, d), { recursive: true });
  return home;
}

export function dataDir(home) {
  return path.join(home, ".local", "share", IDENTIFIER);
}

/** Starts tauri-driver and an app session; returns { browser, stop, launchedAt }. */
export async function startApp(home, args = [], extraEnv = {}) {
  const port = await freePort();
  const nativePort = await freePort();
  const env = {
    ...process.env,
    HOME: home,
    XDG_CONFIG_HOME: path.join(home, ".config"),
    XDG_DATA_HOME: path.join(home, ".local", "share"),
    XDG_CACHE_HOME: path.join(home, ".cache"),
    // The app turns WebKit's OpenGL compositing off, and keeps its own process off OpenGL, unless
    // these are set (src-tauri/src/rendering.rs): left unset, the tests drive and photograph the
    // app rendered as it ships (`screenshot` below keeps a frame coming for WebKitWebDriver in
    // that mode).
    WEBKIT_DISABLE_COMPOSITING_MODE: undefined,
    WEBKIT_DISABLE_DMABUF_RENDERER: undefined,
    WEBKIT_WEB_RENDER_DEVICE_FILE: undefined,
    GDK_GL: undefined,
    // And JavaScriptCore's optimising compilers off (src-tauri/src/memory.rs).
    JSC_useDFGJIT: undefined,
    JSC_useFTLJIT: undefined,
    ...extraEnv,
  };
  const driverBin = process.env.TAURI_DRIVER ?? "tauri-driver";
  // The driver's (and so the app's) output goes to a log file: an app left running must never
  // hold the test runner's pipes open.
  mkdirSync(ARTIFACTS, { recursive: true });
  const log = openSync(path.join(ARTIFACTS, "tauri-driver.log"), "a");
  const driver = spawn(driverBin, ["--port", String(port), "--native-port", String(nativePort)], {
    env,
    stdio: ["ignore", log, log],
  });
  closeSync(log);
  await waitForPort(port, driver);
  // Session requests sent the instant the port opens are sometimes reset by WebKitWebDriver.
  await new Promise((r) => setTimeout(r, 500));
  let browser;
  // When the session (and so the app) was asked for: benchmarks time the cold start from here.
  const launchedAt = performance.now();
  try {
    browser = await remote({
      hostname: "127.0.0.1",
      port,
      logLevel: "warn",
      connectionRetryCount: 2,
      capabilities: {
        "tauri:options": { application: APP, args },
        "wdio:enforceWebDriverClassic": true,
      },
    });
  } catch (e) {
    driver.kill();
    throw e;
  }
  const stop = async () => {
    try {
      await browser.deleteSession();
    } finally {
      driver.kill();
      killAppsOf(home);
    }
  };
  return { browser, stop, launchedAt };
}

/** The processes of the app started with `home` as its HOME (the app and its WebKit helpers),
 * with their resident memory, from /proc. */
export function appProcesses(home) {
  const ps = spawnSync("ps", ["-eo", "pid=,comm="], { encoding: "utf8" });
  const out = [];
  for (const line of (ps.stdout ?? "").split("\n")) {
    const [pid, comm] = line.trim().split(/\s+/);
    if (!pid) continue;
    try {
      const environ = readFileSync(`/proc/${pid}/environ`, "utf8");
      if (!environ.split("\0").includes(`HOME=${home}`)) continue;
      const status = readFileSync(`/proc/${pid}/status`, "utf8");
      const kb = (key) => Number((status.match(new RegExp(`^${key}:\\s+(\\d+) kB`, "m")) ?? [])[1] ?? 0);
      // PSS shares each shared page (the WebKit and GTK libraries every process maps) among the
      // processes mapping it, so a sum over processes counts each page once.
      let pssKb = 0;
      try {
        const rollup = readFileSync(`/proc/${pid}/smaps_rollup`, "utf8");
        pssKb = Number((rollup.match(/^Pss:\s+(\d+) kB/m) ?? [])[1] ?? 0);
      } catch {
        // Kernels without smaps_rollup: PSS stays 0 and only RSS is reported.
      }
      out.push({ pid: Number(pid), comm, rssKb: kb("VmRSS"), hwmKb: kb("VmHWM"), pssKb });
    } catch {
      // Gone already, or not ours to read.
    }
  }
  return out;
}

/** Ends every app started with `home` as its HOME, such as one whose session request was reset
 * and retried: WebKitWebDriver started it, but no session owns it. */
function killAppsOf(home) {
  const ps = spawnSync("ps", ["-eo", "pid=,args="], { encoding: "utf8" });
  for (const line of (ps.stdout ?? "").split("\n")) {
    const [pid, ...args] = line.trim().split(/\s+/);
    if (!pid || !args.join(" ").startsWith(APP)) continue;
    try {
      const environ = readFileSync(`/proc/${pid}/environ`, "utf8");
      if (environ.split("\0").includes(`HOME=${home}`)) process.kill(Number(pid), "SIGKILL");
    } catch {
      // Gone already, or not ours to read.
    }
  }
}

/** Runs the qbr CLI and parses its --json output. */
export function qbrJson(...args) {
  return JSON.parse(execFileSync(QBR, [...args, "--json"], { encoding: "utf8" }));
}

export async function textOf(browser, testId) {
  const el = await browser.$(`[data-testid="${testId}"]`);
  await el.waitForDisplayed({ timeout: 20000 });
  return (await el.getText()).trim();
}

/** Opens the demo from the start page and waits for its overview. */
export async function openDemo(browser) {
  const demo = await browser.$('[data-testid="open-demo"]');
  await demo.waitForClickable({ timeout: 30000 });
  await demo.click();
  await textOf(browser, "client-name");
}

/** Waits until the page's attention list has arrived (it is asked for once the scorecard is
 * painted, and marked busy until its answer). */
export async function attentionSettled(browser, timeout = 20000) {
  await (await browser.$('[data-testid="attention"][aria-busy="false"]')).waitForExist({
    timeout,
    timeoutMsg: "the attention list arrives",
  });
}

/** Picks `value` in the page's select `testId` at once, as a person's change would (no WebDriver
 * round trip, so a test can pick again before the first answer). */
export async function changeSelect(browser, testId, value) {
  await browser.execute(
    (testId, value) => {
      const select = document.querySelector(`[data-testid="${testId}"]`);
      select.value = value;
      select.dispatchEvent(new Event("change", { bubbles: true }));
    },
    testId,
    value,
  );
}

/** In the page: the moment the first attention list is asked for while the select `testId` is
 * on the page, picks `value` in it. Every attention answer from that request on is kept in
 * `window.__attention` as `{ period, body }` (Tauri answers an error with its ErrorView). */
export async function pickOnFirstAttention(browser, testId, value) {
  await browser.execute(
    (testId, value) => {
      window.__attention = [];
      const fetch = window.fetch.bind(window);
      let picked = false;
      window.fetch = async (url, init) => {
        const isAttention = String(url).endsWith("/attention");
        const select = document.querySelector(`[data-testid="${testId}"]`);
        if (isAttention && !picked && select) {
          picked = true;
          setTimeout(() => {
            select.value = value;
            select.dispatchEvent(new Event("change", { bubbles: true }));
          }, 0);
        }
        const r = await fetch(url, init);
        if (isAttention && picked) window.__attention.push({ period: JSON.parse(init.body).period, body: await r.clone().text() });
        return r;
      };
    },
    testId,
    value,
  );
}

/** Waits until `count` attention answers are kept (`pickOnFirstAttention`) and returns them, each
 * `{ period, body, arrived, cancelled }`: the list of `period` arrived, or it stopped as cancelled
 * (Tauri answers a command's error with its ErrorView as the body). */
export async function attentionAnswers(browser, count, timeoutMsg) {
  await browser.waitUntil(async () => (await browser.execute(() => window.__attention.length)) >= count, { timeout: 20000, timeoutMsg });
  return (await browser.execute(() => window.__attention)).map((a) => ({
    ...a,
    arrived: a.body.startsWith(`{"period":{"label":"${a.period}"`),
    cancelled: /"code":"cancelled"/.test(a.body),
  }));
}

/** Saves a screenshot of the window as the app draws it for its users (compositing off).
 * In that mode WebKitWebDriver answers a screenshot with the next frame the web process paints,
 * and a page with nothing left to paint never paints one: the command waited until the client
 * gave up (seen on every page left idle for a few seconds). So while the screenshot is taken, a
 * fully transparent pixel in the corner changes between two transparent colours every frame:
 * WebKit paints a frame for it, and what the frame shows is the page unchanged. */
export async function screenshot(browser, name) {
  mkdirSync(ARTIFACTS, { recursive: true });
  const file = path.join(ARTIFACTS, name);
  // Two frames, so the capture shows the DOM as the test left it.
  await browser.executeAsync((done) => requestAnimationFrame(() => requestAnimationFrame(() => done())));
  await browser.execute(() => {
    const pixel = document.createElement("div");
    pixel.id = "e2e-frame-pulse";
    pixel.setAttribute("aria-hidden", "true");
    pixel.style.cssText = "position:fixed;left:0;top:0;width:1px;height:1px;pointer-events:none;z-index:2147483647;background:rgba(0,0,0,0)";
    document.body.appendChild(pixel);
    let odd = false;
    const pulse = () => {
      odd = !odd;
      pixel.style.background = odd ? "rgba(255,255,255,0)" : "rgba(0,0,0,0)";
      if (pixel.isConnected) requestAnimationFrame(pulse);
    };
    requestAnimationFrame(pulse);
  });
  try {
    await browser.saveScreenshot(file);
  } finally {
    await browser.execute(() => document.getElementById("e2e-frame-pulse")?.remove());
  }
  return file;
}

/** Ticks every "is this right?" box of the import review (readings inferred from the headings). */
export async function confirmReadings(browser) {
  const boxes = await browser.$$('[data-testid^="confirm-reading-"]');
  for (let i = 0; i < boxes.length; i++) {
    // Found again each time: ticking a box re-renders the list.
    const box = (await browser.$$('[data-testid^="confirm-reading-"]'))[i];
    if (!(await box.isSelected())) await box.click();
  }
}

/** Waits until the pack preview shows the pages of the definition last asked for, for `audience`. */
export async function previewShows(browser, audience) {
  await browser.waitUntil(
    async () => {
      const p = await browser.$('[data-testid="pack-preview"]');
      return (await p.getAttribute("data-audience")) === audience && (await p.getAttribute("data-up-to-date")) === "true";
    },
    { timeout: 60000, timeoutMsg: `the preview shows the ${audience} pages` },
  );
}

/** Types `text` into a searchable picker and chooses the option it names. */
export async function pick(browser, testId, text) {
  const input = await browser.$(`[data-testid="${testId}"]`);
  await input.waitForDisplayed({ timeout: 30000 });
  await input.click();
  await input.clearValue();
  await input.setValue(text);
  let option = null;
  await browser.waitUntil(
    async () => {
      for (const o of await browser.$$(`[data-testid="${testId}-list"] [role="option"]`)) {
        if ((await o.getText()).includes(text)) {
          option = o;
          return true;
        }
      }
      return false;
    },
    { timeout: 20000, timeoutMsg: `${text} is offered by ${testId}` },
  );
  await option.click();
  await browser.waitUntil(async () => (await browser.$$(`[data-testid="${testId}-list"]`)).length === 0, {
    timeout: 10000,
    timeoutMsg: `the ${testId} list closes once ${text} is chosen`,
  });
}

export async function click(browser, testId) {
  const el = await browser.$(`[data-testid="${testId}"]`);
  await el.waitForClickable({ timeout: 30000 });
  await el.click();
}

/** Picks `iso` (YYYY-MM-DD) on a date field's calendar as a person would: opens it, steps to the
 * month, clicks the day, and waits for the field to hold it. */
export async function pickDate(browser, testId, iso) {
  const field = await browser.$(`[data-testid="${testId}"]`);
  await field.waitForDisplayed({ timeout: 20000 });
  const trigger = await field.$(".date-trigger");
  await trigger.scrollIntoView({ block: "center" });
  await trigger.click();
  const open = "[data-bits-floating-content-wrapper]";
  const days = `${open} [role="gridcell"]:not([data-outside-month])`;
  await browser.waitUntil(async () => (await browser.$$(days)).length >= 28, {
    timeout: 10000,
    timeoutMsg: `${testId}: the calendar opens`,
  });
  for (let step = 0; step < 36; step++) {
    const shown = (await (await browser.$(days)).getAttribute("data-value")).slice(0, 7);
    const want = iso.slice(0, 7);
    if (shown === want) break;
    await (await browser.$(`${open} [data-testid="calendar-${shown < want ? "next" : "prev"}"]`)).click();
    await browser.waitUntil(
      async () => (await (await browser.$(days)).getAttribute("data-value")).slice(0, 7) !== shown,
      { timeout: 5000, timeoutMsg: `${testId}: the calendar turns from ${shown}` },
    );
  }
  const inCell = await browser.$$(`${open} [role="gridcell"][data-value="${iso}"] *`);
  await inCell[inCell.length - 1].click();
  await browser.waitUntil(async () => (await field.getAttribute("data-value")) === iso, {
    timeout: 10000,
    timeoutMsg: `${testId}: the field takes ${iso}`,
  });
}
