// Where the app's period and grouping switches spend their time (issue 27). Not a test and not
// the benchmark (app.bench.mjs is): a profile that holds beside other builds, as it counts CPU
// time per process (/proc/PID/stat) rather than only wall-clock time.
//   QBR_DESK_APP=target/release/qbr-desk xvfb-run -a -s "-screen 0 1280x800x24" node switch.profile.mjs
// Prints, on the demo's scorecard:
//   - the CPU time per second of the idle app, and per full repaint of the page (the html
//     background changed: everything repainted, nothing laid out again);
//   - the CPU time of the app (qbr-desk: backend commands and WebKit's UI process) and of the web
//     process (JavaScript, style, layout, paint) per period and per grouping switch;
//   - with VERBOSE=1, each switch's timeline from the change event: every IPC request (command,
//     start, end, bytes), when the watched text changed in the DOM, the first frame after it.
//   PROFILE_ROUNDS sets the switches of each kind (20).
import { readFileSync } from "node:fs";
import { appProcesses, makeHome, startApp } from "./harness.mjs";

const ROUNDS = Number(process.env.PROFILE_ROUNDS ?? 20);
const cpuMs = (home) =>
  Object.fromEntries(
    appProcesses(home)
      .filter((p) => ["qbr-desk", "WebKitWebProces"].includes(p.comm))
      .map((p) => {
        const f = readFileSync(`/proc/${p.pid}/stat`, "utf8").split(") ")[1].split(" ");
        return [p.comm, (Number(f[11]) + Number(f[12])) * 10];
      }),
  );
const per = (a, b, n) => JSON.stringify(Object.fromEntries(Object.keys(b).map((k) => [k, +((b[k] - (a[k] ?? 0)) / n).toFixed(1)])));
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

const home = makeHome();
{
  const { browser, stop } = await startApp(home);
  const demo = await browser.$('[data-testid="open-demo"]');
  await demo.waitForClickable({ timeout: 60000 });
  await demo.click();
  await (await browser.$('[data-testid="tab-scorecard"]')).waitForClickable({ timeout: 60000 });
  await stop();
}
const { browser, stop } = await startApp(home);
try {
  await (await browser.$('[data-testid="tab-scorecard"]')).waitForClickable({ timeout: 60000 });
  await (await browser.$('[data-testid="tab-scorecard"]')).click();
  await (await browser.$('[data-testid="open-service_level"]')).waitForClickable({ timeout: 60000 });
  // Tauri's IPC goes through fetch on Linux: each request is logged with its times and size.
  await browser.execute(() => {
    window.__ipc = [];
    const fetch = window.fetch.bind(window);
    window.fetch = async (url, init) => {
      const t0 = performance.now();
      const r = await fetch(url, init);
      const bytes = (await r.clone().arrayBuffer().catch(() => new ArrayBuffer(0))).byteLength;
      window.__ipc.push({ cmd: String(url).replace(/^.*\//, ""), t0, t1: performance.now(), bytes });
      return r;
    };
  });
  let c = cpuMs(home);
  await sleep(5000);
  console.log("CPU ms per second, idle on the scorecard", per(c, cpuMs(home), 5));
  c = cpuMs(home);
  for (let i = 0; i < 20; i++) {
    await browser.executeAsync((i, done) => {
      document.documentElement.style.background = i % 2 ? "#fff" : "#fefefe";
      requestAnimationFrame(() => requestAnimationFrame(() => setTimeout(done, 30)));
    }, i);
  }
  console.log("CPU ms per full repaint of the scorecard", per(c, cpuMs(home), 20));

  const timeSwitch = (selectId, value, watchId) =>
    browser.executeAsync(
      (selectId, value, watchId, done) => {
        window.__ipc = [];
        const watched = () => document.querySelector(`[data-testid="${watchId}"]`)?.textContent ?? "";
        const before = watched();
        let changed = null;
        const mo = new MutationObserver(() => {
          if (changed === null && watched() !== before) changed = performance.now();
        });
        mo.observe(document.body, { subtree: true, childList: true, characterData: true });
        const select = document.querySelector(`[data-testid="${selectId}"]`);
        const t0 = performance.now();
        select.value = value;
        select.dispatchEvent(new Event("change", { bubbles: true }));
        const poll = () => {
          const el = document.querySelector(`[data-testid="${selectId}"]`);
          if (watched() === before || !el || el.disabled) return requestAnimationFrame(poll);
          requestAnimationFrame(() => {
            const frame = performance.now();
            requestAnimationFrame(() => {
              const end = performance.now();
              // Requests that end after the frame (the attention list) are logged too.
              setTimeout(() => {
                mo.disconnect();
                const r = (t) => Math.round(t - t0);
                done({
                  total: r(end),
                  domChanged: r(changed),
                  firstFrame: r(frame),
                  ipc: window.__ipc.map((l) => `${l.cmd} ${r(l.t0)}–${r(l.t1)} ms ${l.bytes} B`),
                });
              }, 150);
            });
          });
        };
        poll();
      },
      selectId,
      value,
      watchId,
    );
  const periods = await browser.execute(() =>
    [...document.querySelectorAll('[data-testid="period-picker"] option')].map((o) => o.value),
  );
  const [a, b] = periods.slice(-2);
  for (const [kind, select, values, watch] of [
    ["period", "period-picker", [a, b], "scorecard-period"],
    ["grouping", "group-picker", ["program", ""], "scorecard-table"],
  ]) {
    const c0 = cpuMs(home);
    for (let i = 0; i < ROUNDS; i++) {
      const t = await timeSwitch(select, values[i % 2], watch);
      if (process.env.VERBOSE) console.log(kind, JSON.stringify(t));
    }
    await sleep(1000);
    console.log(`CPU ms per ${kind} switch (the 150 ms after each included)`, per(c0, cpuMs(home), ROUNDS));
  }
} finally {
  await stop();
}
