// The ladder view in a real browser: headless Chromium, driven by playwright-core.
//
// The script talks MCP to the real server over stdio (JSON-RPC, one message per line), reads
// the view from `resources/read`, runs `diagnose` on the example account with hostile text in
// its evidence and name, then plays the host of the MCP Apps protocol around the view in a
// sandboxed iframe and checks what the page shows. Screenshots go to LADDER_ARTIFACTS.
//
// Run by tests/view.rs with LADDER_BIN set to the built binary. Exit code 0 means every check
// passed; each failed check is printed and the exit code is 1.

import { spawn } from "node:child_process";
import { mkdirSync, readFileSync } from "node:fs";
import { createInterface } from "node:readline";
import { join } from "node:path";
import { chromium } from "playwright-core";

const bin = process.env.LADDER_BIN;
const artifacts = process.env.LADDER_ARTIFACTS || "target/artifacts";
const browserPath = process.env.CHROMIUM || "/usr/bin/chromium";
const root = new URL("../../", import.meta.url).pathname;
if (!bin) throw new Error("LADDER_BIN must name the relationship-ladder binary");
mkdirSync(artifacts, { recursive: true });

const failures = [];
function check(ok, what, detail) {
  if (ok) {
    console.log("ok   " + what);
  } else {
    failures.push(what);
    console.log("FAIL " + what + (detail === undefined ? "" : ": " + JSON.stringify(detail)));
  }
}

// --- A minimal MCP client over the server's stdio ---
const server = spawn(bin, ["serve"], { stdio: ["pipe", "pipe", "inherit"] });
const waiting = new Map();
let nextId = 1;
createInterface({ input: server.stdout }).on("line", (line) => {
  const message = JSON.parse(line);
  if (waiting.has(message.id)) {
    waiting.get(message.id)(message);
    waiting.delete(message.id);
  }
});
function rpc(method, params) {
  const id = nextId++;
  server.stdin.write(JSON.stringify({ jsonrpc: "2.0", id, method, params }) + "\n");
  return new Promise((resolve, reject) => {
    waiting.set(id, (m) => (m.error ? reject(new Error(method + ": " + m.error.message)) : resolve(m.result)));
  });
}

const MIME = "text/html;profile=mcp-app";
await rpc("initialize", {
  protocolVersion: "2025-11-25",
  capabilities: { extensions: { "io.modelcontextprotocol/ui": { mimeTypes: [MIME] } } },
  clientInfo: { name: "browser-test", version: "1" },
});
server.stdin.write(JSON.stringify({ jsonrpc: "2.0", method: "notifications/initialized" }) + "\n");

const { tools } = await rpc("tools/list", {});
for (const name of ["diagnose", "render_card"]) {
  const tool = tools.find((t) => t.name === name);
  check(tool && tool._meta && tool._meta.ui && tool._meta.ui.resourceUri === "ui://relationship-ladder/card",
    name + " names the view in _meta.ui.resourceUri", tool && tool._meta);
}
const read = await rpc("resources/read", { uri: "ui://relationship-ladder/card" });
const view = read.contents[0];
check(view.mimeType === MIME, "the view is served as " + MIME, view.mimeType);
check(view._meta && view._meta.ui && Array.isArray(view._meta.ui.csp.connectDomains)
  && view._meta.ui.csp.connectDomains.length === 0, "the view asks for no network origin", view._meta);
const html = view.text;

// The example account, with hostile text where user text goes.
const SCRIPT = "<script>window.__pwned = 'script'</script>";
const IMG = "\"><img src=x onerror=\"window.__pwned='img'\">";
const input = JSON.parse(readFileSync(join(root, "examples/northwind-saas.json"), "utf8"));
input.account.name = "Northwind " + IMG;
for (const item of input.evidence) item.text = SCRIPT + " " + IMG + " " + item.text;
const result = await rpc("tools/call", { name: "diagnose", arguments: input });
check(!result.isError, "diagnose accepts the hostile account", result.content);
const card = result.structuredContent.card;
check(card && card.caps.length > 0 && card.evidence.length > 0, "the card has caps and evidence", card);

// --- The browser, and a host around the view ---
const browser = await chromium.launch({
  executablePath: browserPath,
  headless: true,
  args: ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
    "--disable-background-networking", "--disable-component-update", "--disable-sync"],
});
const HOST = `<!doctype html><html><head><style>html,body{margin:0;height:100%}
iframe{width:100%;height:100%;border:0;display:block}</style></head><body>
<iframe id="view" sandbox="allow-scripts" title="ladder view"></iframe>
<script>
  window.hostTheme = "light"; window.viewReady = false; window.fromView = [];
  const frame = document.getElementById("view");
  window.addEventListener("message", (event) => {
    if (event.source !== frame.contentWindow) return;
    const m = event.data; window.fromView.push(m);
    if (m.method === "ui/initialize") {
      frame.contentWindow.postMessage({ jsonrpc: "2.0", id: m.id, result: {
        protocolVersion: m.params.protocolVersion, hostInfo: { name: "test-host", version: "1" },
        hostCapabilities: {}, hostContext: { theme: window.hostTheme } } }, "*");
    }
    if (m.method === "ui/notifications/initialized") window.viewReady = true;
  });
  window.toView = (method, params) =>
    frame.contentWindow.postMessage({ jsonrpc: "2.0", method, params }, "*");
  window.load = (html) => { frame.srcdoc = html; };
</script></body></html>`;

async function hosted(page, theme) {
  await page.setContent(HOST);
  await page.evaluate((t) => { window.hostTheme = t; }, theme);
  await page.evaluate((h) => window.load(h), html);
  await page.waitForFunction(() => window.viewReady === true, null, { timeout: 30000 });
  await page.evaluate((r) => window.toView("ui/notifications/tool-result", r), result);
  const frame = page.frames().find((f) => f !== page.mainFrame());
  await frame.waitForFunction(() => document.documentElement.dataset.rendered === "card", null, { timeout: 30000 });
  return frame;
}

const page = await browser.newPage({ viewport: { width: 960, height: 1500 } });
const errors = [];
page.on("pageerror", (e) => errors.push(String(e)));
page.on("console", (m) => { if (m.type() === "error") errors.push(m.text()); });
const frame = await hosted(page, "light");
const seen = await frame.evaluate(() => {
  const q = (s) => Array.from(document.querySelectorAll(s));
  return {
    current: q(".rung.current").map((li) => Number(li.dataset.rung)),
    ariaCurrent: q('[aria-current="true"]').map((li) => Number(li.dataset.rung)),
    target: q(".rung.target").map((li) => Number(li.dataset.rung)),
    capped: q(".rung.capped").map((li) => Number(li.dataset.rung)),
    rungLabels: q(".rung").map((li) => li.getAttribute("aria-label")),
    caps: q("#caps li").map((li) => ({ rule: li.dataset.rule, text: li.textContent })),
    evidence: q("#evidence .evidence-text").map((s) => s.textContent),
    account: document.getElementById("account").textContent,
    trust: Object.fromEntries(q("#trust li").map((li) => [li.dataset.dimension, li.dataset.status])),
    checklist: q("#checklist li").map((li) => li.dataset.check + ":" + li.dataset.status),
    action: document.getElementById("action").textContent,
    owner: document.getElementById("action-owner").textContent,
    due: document.getElementById("due").textContent,
    images: q("img").length,
    scripts: q("script").length,
    pwned: window.__pwned === undefined ? null : window.__pwned,
  };
});
const rungOf = card.rung.status === "confirmed" ? [card.rung.rung] : [];
check(JSON.stringify(seen.current) === JSON.stringify(rungOf), "the current rung is marked", seen.current);
check(JSON.stringify(seen.ariaCurrent) === JSON.stringify(rungOf), "the current rung has aria-current", seen.ariaCurrent);
check(card.target.kind !== "climb" || JSON.stringify(seen.target) === JSON.stringify([card.target.rung]),
  "the target rung is marked", seen.target);
check(seen.rungLabels.length === 5 && seen.rungLabels.every((l) => /^Rung [1-5]: [A-Z]/.test(l)),
  "every rung has an accessible name", seen.rungLabels);
check(seen.caps.length === card.caps.length
  && card.caps.every((c, i) => seen.caps[i].rule === c.rule && seen.caps[i].text.includes(c.reason)),
  "every cap is listed with its rule and reason", seen.caps);
check(card.caps.every((c) => seen.capped.includes(c.rung)), "each capped rung is drawn capped", seen.capped);
check(JSON.stringify(seen.evidence) === JSON.stringify(card.evidence.map((e) => e.text)),
  "evidence shows the user's text literally, markup included", seen.evidence);
check(seen.account === card.account, "the account name shows literally", seen.account);
check(seen.trust.competence === card.trust.competence && seen.trust.integrity === card.trust.integrity
  && seen.trust.benevolence === card.trust.benevolence, "trust per dimension", seen.trust);
check(seen.checklist.join(" ") === card.checklist.map((c) => c.id + ":" + c.status).join(" "),
  "the checklist V1-V6 with its outcomes", seen.checklist);
check(seen.action === card.action && seen.owner === card.action_owner && seen.due === card.due,
  "the action with its owner and due date", [seen.action, seen.owner, seen.due]);
check(seen.images === 0 && seen.scripts === 2, "no element was created from user text", seen);
check(seen.pwned === null, "no script from user text ran in the view", seen.pwned);
check(await page.evaluate(() => window.__pwned === undefined), "nothing ran in the host page");
// The host receives the view's messages asynchronously, perhaps from another process.
await page.waitForFunction(() => window.fromView.some((m) => m.method === "ui/notifications/size-changed"),
  null, { timeout: 30000 }).catch(() => {});
const sent = await page.evaluate(() => window.fromView.map((m) => m.method));
check(sent[0] === "ui/initialize" && sent.includes("ui/notifications/initialized")
  && sent.includes("ui/notifications/size-changed"), "the view speaks the MCP Apps handshake", sent);
await page.screenshot({ path: join(artifacts, "card-view.png"), fullPage: true });

// Narrow and dark: 360 px wide, the host asking for the dark theme.
const narrow = await browser.newPage({ viewport: { width: 360, height: 2600 }, colorScheme: "dark" });
const small = await hosted(narrow, "dark");
const layout = await small.evaluate(() => ({
  theme: document.documentElement.dataset.theme,
  overflow: document.documentElement.scrollWidth - document.documentElement.clientWidth,
  background: getComputedStyle(document.body).backgroundColor,
}));
check(layout.theme === "dark", "the host's dark theme is applied", layout);
check(layout.overflow <= 0, "nothing overflows at 360 px", layout);
check(layout.background !== "rgb(255, 255, 255)", "dark mode has a dark background", layout);
await narrow.screenshot({ path: join(artifacts, "card-view-360-dark.png"), fullPage: true });

// A refusal from the tool is shown as such.
await page.evaluate(() => window.toView("ui/notifications/tool-result", {
  isError: true, content: [{ type: "text", text: "evidence[0].text: <b>refused</b>" }] }));
// postMessage is delivered later: wait for the view to have drawn the refusal.
await frame.waitForFunction(() => document.documentElement.dataset.rendered === "error", null, { timeout: 30000 })
  .catch(() => {});
const refusal = await frame.evaluate(() => ({
  rendered: document.documentElement.dataset.rendered,
  text: document.querySelector('[role="alert"]') && document.querySelector('[role="alert"]').textContent,
  bold: document.querySelectorAll("b").length,
}));
check(refusal.rendered === "error" && refusal.text === "evidence[0].text: <b>refused</b>"
  && refusal.bold === 0, "a refused call shows its message as text", refusal);

// Opened on its own, the view draws its embedded sample.
const alone = await browser.newPage({ viewport: { width: 960, height: 1500 } });
alone.on("pageerror", (e) => errors.push(String(e)));
await alone.setContent(html);
await alone.waitForFunction(() => document.documentElement.dataset.rendered === "card", null, { timeout: 30000 });
const sample = await alone.evaluate(() => ({
  account: document.getElementById("account").textContent,
  badge: !!document.querySelector('[data-badge="sample"]'),
  current: Array.from(document.querySelectorAll(".rung.current")).map((li) => Number(li.dataset.rung)),
}));
check(sample.account === "Northwind Logistics" && sample.badge && sample.current.length === 1,
  "opened alone, the view draws the sample card", sample);
await alone.screenshot({ path: join(artifacts, "card-view-standalone.png"), fullPage: true });
check(errors.length === 0, "no script error or CSP violation in any page", errors);

await browser.close();
server.stdin.end();
server.kill();
console.log(failures.length === 0 ? "all checks passed" : failures.length + " check(s) failed");
console.log("screenshots: " + join(artifacts, "card-view.png") + ", card-view-360-dark.png, card-view-standalone.png");
process.exit(failures.length === 0 ? 0 : 1);
