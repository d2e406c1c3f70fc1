// Every page of the demo as a new user meets it, at 1280×720 and at 1920×1080: a screenshot of each under
// tests/e2e/artifacts/pages-<size>-<page>.png (the README shows the main ones, copied to
// docs/screenshots/), an axe-core check of each with no serious or critical violation, and the
// layout checks of issue 27: the navigation does not move from page to page, the app bar does not
// wrap, and a page opens at its top.
//
// Run under a screen large enough for the big size:
//   xvfb-run -a -s "-screen 0 1920x1080x24" node --test pages.test.mjs
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { createRequire } from "node:module";
import { test } from "node:test";
import { appProcesses, makeHome, screenshot, startApp } from "./harness.mjs";

const require = createRequire(import.meta.url);
const AXE = readFileSync(require.resolve("axe-core/axe.min.js"), "utf8");

const SIZES = [
  { name: "1280x720", width: 1280, height: 720 },
  { name: "1920x1080", width: 1920, height: 1080 },
];

/** Pages reached from the side navigation, with what each must show before it is read. */
const PAGES = [
  { tab: "summary", ready: '[data-testid="glance"]' },
  { tab: "scorecard", ready: '[data-testid="tile-service_level"]' },
  { tab: "diagnose", ready: "h1" },
  { tab: "actions", ready: "h1" },
  { tab: "pack", ready: '[data-testid="pack-page"]' },
  { tab: "import", ready: "h1" },
  { tab: "settings", ready: "h1" },
];

async function waitFor(browser, selector, timeout = 60000) {
  const el = await browser.$(selector);
  await el.waitForDisplayed({ timeout, timeoutMsg: `${selector} is shown` });
  return el;
}

/** Sets the size of the page's viewport (the window's inner size), whatever the decorations. */
async function setViewport(browser, width, height) {
  await browser.setWindowSize(width, height);
  const inner = await browser.execute(() => [window.innerWidth, window.innerHeight]);
  await browser.setWindowSize(width + (width - inner[0]), height + (height - inner[1]));
  await browser.waitUntil(
    async () => {
      const [w, h] = await browser.execute(() => [window.innerWidth, window.innerHeight]);
      return w === width && h === height;
    },
    { timeout: 10000, timeoutMsg: `the viewport becomes ${width}×${height}` },
  );
}

/** axe-core's serious and critical violations on the page as it is. */
async function axeViolations(browser) {
  const injected = await browser.execute(() => typeof window.axe !== "undefined");
  if (!injected) await browser.execute(AXE);
  const result = await browser.executeAsync((done) => {
    window.axe
      .run(document, { resultTypes: ["violations"] })
      .then((r) =>
        done(
          r.violations
            .filter((v) => v.impact === "serious" || v.impact === "critical")
            .map((v) => ({ id: v.id, impact: v.impact, help: v.help, nodes: v.nodes.slice(0, 3).map((n) => n.target.join(" ")) })),
        ),
      )
      .catch((e) => done([{ id: "axe-error", impact: "critical", help: String(e), nodes: [] }]));
  });
  return result;
}

/** Headings (the page's and its cards') that wrap onto a second line, by their text. */
async function wrappedHeadings(browser) {
  return browser.execute(() =>
    [...document.querySelectorAll("main h1, main .card h2")]
      .filter((h) => h.getBoundingClientRect().height > 1.5 * parseFloat(getComputedStyle(h).lineHeight))
      .map((h) => h.textContent.trim()),
  );
}

/** The pack page's layout at this size: the preview beside the builder and in view, the move
 * arrows of the sections in one column, title fields as wide as their card. */
async function packLayout(browser) {
  return browser.execute(() => {
    const preview = document.querySelector(".pack-preview").getBoundingClientRect();
    const arrows = [...document.querySelectorAll('[data-testid="pack-sections"] button[aria-label$=" up"]')].map((b) => Math.round(b.getBoundingClientRect().left));
    const builder = document.querySelector(".pack-builder").getBoundingClientRect();
    return { previewLeft: preview.left, previewRight: preview.right, previewTop: preview.top, width: window.innerWidth, height: window.innerHeight, arrows, builderRight: builder.right };
  });
}

/** Where each navigation item is, to the pixel. */
async function navBoxes(browser) {
  return browser.execute(() =>
    [...document.querySelectorAll('nav.sidenav [data-testid^="tab-"]')].map((b) => {
      const r = b.getBoundingClientRect();
      return `${b.getAttribute("data-testid")}@${Math.round(r.left)},${Math.round(r.top)},${Math.round(r.width)}`;
    }),
  );
}

for (const size of SIZES) {
  test(`every page of the demo at ${size.name}: screenshot, axe-core, a layout that holds still`, async () => {
    const home = makeHome();
    // The app runs as it ships, compositing off (the harness leaves the rendering variables
    // unset; its `screenshot` keeps a frame coming for WebKitWebDriver in that mode).
    const { browser, stop } = await startApp(home, []);
    const problems = [];
    try {
      await setViewport(browser, size.width, size.height);
      const demo = await browser.$('[data-testid="open-demo"]');
      await demo.waitForClickable({ timeout: 30000 });
      await screenshot(browser, `pages-${size.name}-start.png`);
      for (const v of await axeViolations(browser)) problems.push({ page: "start", ...v });
      await demo.click();
      await waitFor(browser, '[data-testid="glance"]');

      // With compositing off the app's own process has no use for OpenGL, and does not load a
      // driver (Mesa's software one, with LLVM, is 24 MB of its memory): src-tauri/src/rendering.rs.
      const app = appProcesses(home).find((p) => p.comm === "qbr-desk");
      assert.ok(app, "the app's process is found");
      const drivers = readFileSync(`/proc/${app.pid}/maps`, "utf8")
        .split("\n")
        .map((l) => l.split(/\s+/)[5] ?? "")
        .filter((f) => /libEGL_mesa|libGLX_mesa|_dri\.so|libLLVM/.test(f));
      assert.deepEqual([...new Set(drivers)], [], "the app's process maps no OpenGL driver");
      // The web process runs JavaScriptCore without its optimising compilers (src-tauri/src/memory.rs).
      const web = appProcesses(home).find((p) => p.comm.startsWith("WebKitWebProc"));
      const webEnv = readFileSync(`/proc/${web.pid}/environ`, "utf8").split("\0");
      assert.ok(webEnv.includes("JSC_useDFGJIT=0") && webEnv.includes("JSC_useFTLJIT=0"), "the web process runs without DFG and FTL");

      const nav = await navBoxes(browser);
      assert.ok(nav.length >= 7, `the navigation lists every page: ${nav}`);
      for (const page of PAGES) {
        const tab = await browser.$(`[data-testid="tab-${page.tab}"]`);
        await tab.waitForClickable({ timeout: 30000 });
        await tab.click();
        await browser.waitUntil(async () => (await tab.getAttribute("aria-current")) === "page", {
          timeout: 30000,
          timeoutMsg: `${page.tab} is the current page`,
        });
        await waitFor(browser, page.ready);
        assert.deepEqual(await navBoxes(browser), nav, `the navigation holds still on ${page.tab}`);
        const bar = await browser.execute(() => {
          const h = document.querySelector(".appbar");
          const r = h.getBoundingClientRect();
          const root = document.documentElement;
          return { top: r.top, height: r.height, scrollWidth: h.scrollWidth, clientWidth: h.clientWidth, rootHeight: root.scrollHeight, windowHeight: innerHeight };
        });
        assert.equal(bar.top, 0, `the app bar is at the top of the window on ${page.tab}`);
        // Only the page scrolls: were the document taller than the window, a click or a focus
        // near the bottom would scroll it and slide the app bar out of view.
        assert.ok(bar.rootHeight <= bar.windowHeight, `the document is no taller than the window on ${page.tab}: ${bar.rootHeight}px in ${bar.windowHeight}`);
        assert.ok(bar.height <= 64, `the app bar is one row on ${page.tab}: ${bar.height}px`);
        assert.ok(bar.scrollWidth <= bar.clientWidth, `nothing in the app bar overflows on ${page.tab}`);
        await screenshot(browser, `pages-${size.name}-${page.tab}.png`);
        for (const v of await axeViolations(browser)) problems.push({ page: page.tab, ...v });
        if (page.tab === "pack" || page.tab === "summary") {
          assert.deepEqual(await wrappedHeadings(browser), [], `no heading wraps on ${page.tab}`);
        }
        if (page.tab === "pack") {
          const l = await packLayout(browser);
          assert.ok(l.previewLeft >= l.builderRight && l.previewRight <= l.width && l.previewTop < l.height / 2, `the preview is beside the builder and in view: ${JSON.stringify(l)}`);
          assert.ok(l.arrows.length > 3 && new Set(l.arrows).size === 1, `the sections' move arrows line up: ${l.arrows}`);
        }
      }

      // A metric opened from a scrolled scorecard opens at its top.
      await (await browser.$('[data-testid="tab-scorecard"]')).click();
      const tile = await waitFor(browser, '[data-testid="open-csat"]');
      await tile.scrollIntoView({ block: "center" });
      assert.ok((await browser.execute(() => document.querySelector("main.content").scrollTop)) > 0, "the scorecard scrolled");
      await tile.click();
      await waitFor(browser, '[data-testid="detail-value"]');
      await browser.waitUntil(async () => (await browser.execute(() => document.querySelector("main.content").scrollTop)) === 0, {
        timeout: 10000,
        timeoutMsg: "the metric page opens at its top",
      });
      await screenshot(browser, `pages-${size.name}-metric.png`);
      assert.deepEqual(await wrappedHeadings(browser), [], "no heading wraps on the metric page");
      for (const v of await axeViolations(browser)) problems.push({ page: "metric", ...v });

      // An action's own page.
      await (await browser.$('[data-testid="tab-actions"]')).click();
      // The demo tells its story: it has actions, and one opens on its own page.
      const action = await waitFor(browser, '[data-testid^="card-"] .card-title');
      await action.click();
      await waitFor(browser, "h1");
      await screenshot(browser, `pages-${size.name}-action.png`);
      for (const v of await axeViolations(browser)) problems.push({ page: "action", ...v });
    } finally {
      await stop();
    }
    assert.deepEqual(problems, [], "no serious or critical accessibility violation");
  });
}
