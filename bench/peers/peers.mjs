// The peers of `miniapp bench --peers`, measured in the same run as miniapp's own benchmarks:
//
// - headless Chromium (Debian's `chromium`, driven through playwright-core over the DevTools
//   protocol) loading bench/h5/counter.html and bench/h5/list.html from a loopback HTTP server:
//   browser launch -> first contentful paint, new tab in a running browser -> first contentful
//   paint, click -> next frame, and the PSS of the browser's processes with one tab open;
// - the logic handler of bench/logic/handler.js (filter and sort 10,000 records, build the
//   patch) on Node.js and on QuickJS (quickjs-emscripten).
//
//   node bench/peers/peers.mjs --out peers.json [--iterations N] [--quick] [--chromium PATH]
//
// Writes one JSON document: { chromium: {...}, node: {...}, quickjs: {...}, handler_patch }, each
// figure a list of samples in milliseconds (PSS in KiB). `miniapp bench` summarises them.

import { createServer } from "node:http";
import { readFileSync, readdirSync, writeFileSync, mkdtempSync, rmSync, existsSync } from "node:fs";
import { join, dirname } from "node:path";
import { tmpdir } from "node:os";
import { fileURLToPath } from "node:url";
import { performance } from "node:perf_hooks";
import { execFileSync } from "node:child_process";

const here = dirname(fileURLToPath(import.meta.url));
const root = join(here, "..");

function parseArgs(argv) {
  const args = { iterations: 10, quick: false, out: null, chromium: process.env.CHROMIUM || null, only: null };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    const value = () => {
      if (i + 1 >= argv.length) throw new Error(`${a} needs a value`);
      return argv[++i];
    };
    if (a === "--iterations") args.iterations = Number(value());
    else if (a === "--quick") args.quick = true;
    else if (a === "--out") args.out = value();
    else if (a === "--chromium") args.chromium = value();
    else if (a === "--only") args.only = value();
    else throw new Error(`unknown argument ${a}`);
  }
  if (!Number.isInteger(args.iterations) || args.iterations < 1) throw new Error("--iterations must be a whole number >= 1");
  if (args.quick) args.iterations = Math.min(args.iterations, 3);
  if (!args.out) throw new Error("--out FILE is required");
  return args;
}

function findChromium(given) {
  const candidates = given ? [given] : ["/usr/bin/chromium", "/usr/bin/chromium-browser", "/usr/bin/google-chrome"];
  for (const c of candidates) if (existsSync(c)) return c;
  throw new Error(`chromium not found (looked at ${candidates.join(", ")}): apt-get install -y chromium, or pass --chromium PATH`);
}

// The flags this project runs Chromium with (see the README): without the networking ones it
// stalls on refused connections. Frame-rate limits are off so that "click -> next frame" measures
// the work, not the wait for a 60 Hz vsync.
const FLAGS = [
  "--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
  "--disable-sync", "--no-first-run", "--disable-frame-rate-limit", "--disable-gpu-vsync",
  "--window-size=375,667",
];

function serve() {
  const pages = join(root, "h5");
  const files = new Map(readdirSync(pages).filter((f) => f.endsWith(".html")).map((f) => [`/${f}`, readFileSync(join(pages, f))]));
  const server = createServer((req, res) => {
    const body = files.get(req.url.split("?")[0]);
    if (!body) {
      res.writeHead(404).end("not found");
      return;
    }
    res.writeHead(200, { "content-type": "text/html; charset=utf-8", "cache-control": "no-cache" }).end(body);
  });
  return new Promise((resolve) => server.listen(0, "127.0.0.1", () => resolve(server)));
}

// Epoch milliseconds, comparable with a page's performance.timeOrigin + startTime.
const nowEpoch = () => performance.timeOrigin + performance.now();

// Waits for the page's first contentful paint; returns it as epoch milliseconds.
async function fcpEpoch(page) {
  const handle = await page.waitForFunction(() => {
    const e = performance.getEntriesByName("first-contentful-paint")[0];
    return e ? performance.timeOrigin + e.startTime : null;
  }, null, { timeout: 30000, polling: 5 });
  return handle.jsonValue();
}

// Click -> next frame, in the page: the click handler runs, then the next animation frame, then a
// task posted from it (it runs once that frame's rendering is done).
async function clickToFrame(page, selector) {
  return page.evaluate((sel) => new Promise((resolve) => {
    const el = document.querySelector(sel);
    const t = performance.now();
    el.click();
    requestAnimationFrame(() => {
      const ch = new MessageChannel();
      ch.port1.onmessage = () => resolve(performance.now() - t);
      ch.port2.postMessage(0);
    });
  }), selector);
}

// PSS (KiB) of a process and all its descendants, from /proc/*/smaps_rollup.
function treePss(rootPid) {
  const children = new Map();
  for (const name of readdirSync("/proc")) {
    if (!/^\d+$/.test(name)) continue;
    try {
      const stat = readFileSync(`/proc/${name}/stat`, "utf8");
      const ppid = Number(stat.slice(stat.lastIndexOf(")") + 2).split(" ")[1]);
      if (!children.has(ppid)) children.set(ppid, []);
      children.get(ppid).push(Number(name));
    } catch { /* gone */ }
  }
  let total = 0, count = 0;
  const stack = [rootPid];
  while (stack.length) {
    const pid = stack.pop();
    try {
      const m = /^Pss:\s+(\d+) kB/m.exec(readFileSync(`/proc/${pid}/smaps_rollup`, "utf8"));
      if (m) { total += Number(m[1]); count += 1; }
    } catch { /* gone */ }
    stack.push(...(children.get(pid) || []));
  }
  return { kib: total, processes: count };
}

async function measureChromium(args, chromium, base) {
  const { chromium: pw } = await import("playwright-core");
  // The phone miniapp renders for (iPhone SE: 375 x 667 CSS px at 2 device px each), so both
  // sides draw the same 750 x 1334 pixels.
  const launch = (profile) => pw.launchPersistentContext(profile, { executablePath: chromium, headless: true, args: FLAGS, viewport: { width: 375, height: 667 }, deviceScaleFactor: 2 });
  const out = { executable: chromium, device_scale_factor: 2, cold_counter_ms: [], cold_list_ms: [], new_tab_counter_ms: [], new_tab_list_ms: [], click_counter_ms: [], click_list_ms: [], pss_one_tab_kib: [] };
  const warmup = 1;
  // Cold: a new browser process with an empty profile, launch -> first contentful paint.
  for (const [key, page] of [["cold_counter_ms", "counter.html"], ["cold_list_ms", "list.html"]]) {
    for (let i = 0; i < warmup + args.iterations; i++) {
      const profile = mkdtempSync(join(tmpdir(), "miniapp-peers-"));
      const t0 = nowEpoch();
      const ctx = await launch(profile);
      const tab = ctx.pages()[0] || (await ctx.newPage());
      await tab.goto(`${base}/${page}`, { waitUntil: "commit" });
      const fcp = await fcpEpoch(tab);
      if (i >= warmup) out[key].push(fcp - t0);
      await ctx.close();
      rmSync(profile, { recursive: true, force: true });
    }
  }
  // Hot: a running browser, new tab -> first contentful paint; then clicks; then memory.
  const profile = mkdtempSync(join(tmpdir(), "miniapp-peers-"));
  const ctx = await launch(profile);
  try {
    for (const [key, page] of [["new_tab_counter_ms", "counter.html"], ["new_tab_list_ms", "list.html"]]) {
      for (let i = 0; i < warmup + args.iterations; i++) {
        const t0 = nowEpoch();
        const tab = await ctx.newPage();
        await tab.goto(`${base}/${page}`, { waitUntil: "commit" });
        const fcp = await fcpEpoch(tab);
        if (i >= warmup) out[key].push(fcp - t0);
        await tab.close();
      }
    }
    const clicks = Math.max(args.iterations * 3, 3);
    for (const [key, page, sel] of [["click_counter_ms", "counter.html", "#inc"], ["click_list_ms", "list.html", ".row"]]) {
      const tab = await ctx.newPage();
      await tab.goto(`${base}/${page}`, { waitUntil: "load" });
      for (let i = 0; i < warmup + clicks; i++) {
        const d = await clickToFrame(tab, sel);
        if (i >= warmup) out[key].push(d);
      }
      await tab.close();
    }
    for (const p of ctx.pages()) await p.close();
    const tab = await ctx.newPage();
    await tab.goto(`${base}/counter.html`, { waitUntil: "load" });
    await fcpEpoch(tab);
    const browserPid = findBrowserPid(profile);
    for (let i = 0; i < Math.max(args.iterations, 3); i++) {
      await new Promise((r) => setTimeout(r, 200));
      const pss = treePss(browserPid);
      out.pss_one_tab_kib.push(pss.kib);
      out.pss_processes = pss.processes;
    }
    // The user agent says 156.0.0.0 (UA reduction); the binary names its full version.
    const said = execFileSync(chromium, ["--version"], { encoding: "utf8", stdio: ["ignore", "pipe", "ignore"] });
    out.version = (/(\d+\.\d+\.\d+\.\d+)/.exec(said) || [])[1] || said.trim();
  } finally {
    await ctx.close();
    rmSync(profile, { recursive: true, force: true });
  }
  return out;
}

// The browser process: the one whose command line names our profile and is not a child type.
function findBrowserPid(profile) {
  for (const name of readdirSync("/proc")) {
    if (!/^\d+$/.test(name)) continue;
    try {
      // Child processes rewrite their command line into one string, so match on the whole text.
      const cmd = readFileSync(`/proc/${name}/cmdline`, "utf8").split("\0").join(" ");
      if (cmd.includes(profile) && !cmd.includes("--type=")) return Number(name);
    } catch { /* gone */ }
  }
  throw new Error("could not find the Chromium browser process to measure its memory");
}

function handlerSource() {
  return readFileSync(join(root, "logic", "handler.js"), "utf8");
}

function measureNode(args) {
  const scope = {};
  new Function("scope", handlerSource() + "\nscope.makeRecords = makeRecords; scope.filterSort = filterSort;")(scope);
  const records = scope.makeRecords();
  const samples = [];
  let patch = null;
  const n = args.iterations * 10;
  for (let i = 0; i < Math.ceil(n / 10) + n; i++) {
    const t = performance.now();
    patch = scope.filterSort(records);
    const d = performance.now() - t;
    if (i >= Math.ceil(n / 10)) samples.push(d);
  }
  return { version: process.version, handler_ms: samples, patch };
}

async function measureQuickjs(args) {
  const { getQuickJS } = await import("quickjs-emscripten");
  const QuickJS = await getQuickJS();
  const vm = QuickJS.newContext();
  try {
    const setup = vm.evalCode(handlerSource() + "\nvar records = makeRecords();");
    vm.unwrapResult(setup).dispose();
    const samples = [];
    let patch = null;
    const n = args.iterations * 3;
    for (let i = 0; i < 1 + n; i++) {
      const t = performance.now();
      const r = vm.evalCode("filterSort(records)");
      const d = performance.now() - t;
      const h = vm.unwrapResult(r);
      patch = vm.getString(h);
      h.dispose();
      if (i >= 1) samples.push(d);
    }
    return { engine: "quickjs-emscripten 0.32.0 (RELEASE_SYNC)", handler_ms: samples, patch };
  } finally {
    vm.dispose();
  }
}

async function main() {
  const args = parseArgs(process.argv.slice(2));
  const doc = {};
  const want = (k) => !args.only || args.only.split(",").includes(k);
  if (want("node")) doc.node = measureNode(args);
  if (want("quickjs")) doc.quickjs = await measureQuickjs(args);
  if (doc.node && doc.quickjs && doc.node.patch !== doc.quickjs.patch) {
    throw new Error("Node.js and QuickJS computed different patches");
  }
  doc.handler_patch = (doc.node || doc.quickjs || {}).patch || null;
  if (doc.node) delete doc.node.patch;
  if (doc.quickjs) delete doc.quickjs.patch;
  if (want("chromium")) {
    const chromium = findChromium(args.chromium);
    const server = await serve();
    try {
      doc.chromium = await measureChromium(args, chromium, `http://127.0.0.1:${server.address().port}`);
    } finally {
      server.close();
    }
  }
  writeFileSync(args.out, JSON.stringify(doc, null, 2));
}

main().catch((e) => {
  console.error(`peers: ${e && e.message ? e.message : e}`);
  process.exit(1);
});
