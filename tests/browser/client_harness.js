// Runs simlab's dallinger2.js in Node with a fake window, DOM and fetch, page after page
// (sessionStorage is shared, as in one browser tab), and prints what the client sent and
// what the pages could observe, as JSON, for test_client_js.py to check.
"use strict";
const fs = require("fs");
const vm = require("vm");

const CLIENT = fs.readFileSync(process.argv[2], "utf8");
const SEARCH = process.argv[3];

function fakeElement(tag, attrs) {
  const el = Object.assign({ tagName: tag.toUpperCase(), nodeType: 1, children: [], disabled: false, style: {},
    offsetHeight: 0, textContent: "", className: "" }, attrs || {});
  el.appendChild = (child) => { el.children.push(child); child.parentNode = el; };
  el.removeChild = (child) => { el.children = el.children.filter((c) => c !== child); };
  el.remove = () => { el.removed = true; };
  el.submit = () => { el.submitted = true; };
  el.addEventListener = () => {};
  return el;
}

// One page load: a fresh global context sharing `tab` (sessionStorage, replies, log).
function loadPage(tab, search, extra) {
  const sent = tab.sent;
  const elements = Object.assign({
    spinner: fakeElement("div", { id: "spinner" }),
    "waiting-progress-bar": fakeElement("div"),
    "progress-percentage": fakeElement("span"),
  }, (extra && extra.elements) || {});
  const buttons = (extra && extra.buttons) || [];
  const fields = (extra && extra.fields) || [];
  const created = [];
  const timers = [];
  const window = {
    location: { search, protocol: "http:", host: "127.0.0.1:5000", assign: (url) => tab.assigned.push(url) },
    opener: (extra && extra.opener) || null,
    close: () => { tab.closed = true; },
    addEventListener: (type, fn) => { if (type === "beforeunload") tab.beforeunload = fn; },
    setTimeout: (fn) => { timers.push(fn); },
    sessionStorage: tab.storage,
    Fingerprint2: function () { return { get: (cb) => setTimeout(() => cb("f1a2b3"), 0) }; },
    Spinner: function () { return { spin: () => { tab.spins += 1; }, stop: () => { tab.stops += 1; } }; },
    ReconnectingWebSocket: function (url) { tab.sockets.push({ url, socket: this }); },
    document: {
      readyState: "complete",
      body: fakeElement("body"),
      documentElement: fakeElement("html"),
      getElementById: (id) => elements[id] || null,
      createElement: (tag) => { const el = fakeElement(tag); created.push(el); return el; },
      querySelector: () => null,
      querySelectorAll: (selector) => {
        if (selector === ".btn-success") return buttons;
        if (selector === "button#submit-questionnaire") return [];
        if (selector.startsWith("form ")) return fields;
        return [];
      },
    },
    fetch: (url, init) => {
      const [path, query] = url.split("?");
      sent.push({ method: init.method, path, query: query || "", body: init.body || "", headers: init.headers,
        buttonsDisabled: buttons.map((b) => b.disabled) });
      const key = `${init.method} ${path}`;
      const queue = tab.replies[key];
      const [status, body] = (Array.isArray(queue) && queue.length > 1 ? queue.shift() : queue && queue[0]) || [404, { status: "error" }];
      return Promise.resolve({ ok: status < 300, status, statusText: "", text: () => Promise.resolve(JSON.stringify(body)) });
    },
  };
  const context = vm.createContext({ window, URLSearchParams, Promise, JSON, String, Object, Number, Array, Math, console: { warn: () => {}, log: () => {} }, setTimeout, decodeURIComponent });
  vm.runInContext(CLIENT, context);
  return { d: window.dallinger, window, elements, created, timers, buttons };
}

function newTab() {
  const data = {};
  return {
    sent: [], assigned: [], sockets: [], spins: 0, stops: 0, closed: false,
    storage: {
      getItem: (k) => (k in data ? data[k] : null),
      setItem: (k, v) => { data[k] = String(v); },
      removeItem: (k) => { delete data[k]; },
    },
    replies: {
      "POST /participant": [[200, { status: "success", participant: { id: 7, assignment_id: "A", worker_id: "W", hit_id: "H", unique_id: "W:A" } }]],
      "POST /node/7": [[200, { status: "success", node: { id: 3 } }], [403, { status: "error" }]],
      "GET /node/3/transmissions": [[200, { status: "success", transmissions: [] }]],
      "POST /info/3": [[400, { status: "error", html: "<form id='error-response'></form>", error_code: "bad_info" }]],
      "POST /question/7": [[200, { status: "success" }]],
      "POST /worker_complete": [[200, { status: "success" }]],
      "POST /load-participant": [[200, { status: "success", participant: { id: 9, recruiter_id: "hotair", hit_id: "H9", worker_id: "W9", assignment_id: "A9", mode: "debug", fingerprint_hash: "fp9" } }]],
    },
  };
}

const tick = () => new Promise((resolve) => setTimeout(resolve, 5));

(async () => {
  const log = {};

  // Page 1: the instructions page signs up, with a disabled Begin button.
  const tab = newTab();
  const begin = { disabled: true };
  let page = loadPage(tab, SEARCH, { buttons: [begin] });
  let d = page.d;
  log.identity = Object.assign({}, d.identity);
  log.bareParameter = loadPage(newTab(), "?flag&x=1").d.getUrlParameter("flag");
  await d.createParticipant();
  log.participantId = d.identity.participantId;
  log.beginEnabledAfter = begin.disabled === false;
  log.fingerprint = d.identity.fingerprintHash;
  await new Promise((resolve) => d.createAgent().done((r) => { log.done = r.node.id; resolve(); }));
  await d.getTransmissions(3, { status: "pending", details: { a: 1 } });
  await new Promise((resolve) => d.createInfo(3, { contents: "a b&c" }).fail((r) => { log.fail = r; resolve(); }));
  log.chained = await d.createAgent().then(() => "resolved", (r) => r.status);
  const chained = d.get("/x").then(() => 1);
  log.thenKeepsDone = typeof chained.done;
  log.deferredState = await new Promise((resolve) => chained.always(() => resolve(chained.state())));
  d.goToPage("questionnaire");

  // Page 2: a later page carries only participant_id; the ids come from storage.
  page = loadPage(tab, "?participant_id=7", {
    fields: [
      { name: "engagement", value: "4", tagName: "SELECT", nodeType: 1 },
      { name: "color", value: "red", type: "radio", checked: false, tagName: "INPUT", nodeType: 1 },
      { name: "color", value: "blue", type: "radio", checked: true, tagName: "INPUT", nodeType: 1 },
      { name: "", value: "ignored", tagName: "BUTTON", nodeType: 1 },
    ],
  });
  d = page.d;
  log.laterIdentity = { workerId: d.identity.workerId, assignmentId: d.identity.assignmentId, participantId: d.identity.participantId };
  log.sentBeforeQuestionnaire = tab.sent.length;
  await d.submitQuestionnaire();
  log.spins = [tab.spins, tab.stops];

  // Page 3: leaving with preventExit asks first, unless allowExit() was called.
  log.allowedAfterSubmit = d.allowExitOnce; // submitAssignment allowed the exit
  d = loadPage(tab, "?participant_id=7").d;
  const event = { preventDefault: () => { event.prevented = true; } };
  d.preventExit = true;
  tab.beforeunload(event);
  log.exitPrompted = !!event.prevented;
  const event2 = { preventDefault: () => { event2.prevented = true; } };
  d.allowExit();
  tab.beforeunload(event2);
  log.exitAllowed = !event2.prevented && d.allowExitOnce === false;

  // Page 4: opened from the ad, the exit page shows in the opener and this window closes.
  const opener = { closed: false, location: { pathname: "/ad" } };
  page = loadPage(tab, "?participant_id=7", { opener });
  await page.d.submitAssignment();
  log.openerLocation = opener.location;
  log.closed = tab.closed;

  // Page 5: error() without html posts the identity to /error-page.
  page.d.error({ data: { participant_id: 7 }, requestJSON: "{\"route\":\"/x\"}" });
  const form = page.created.find((el) => el.tagName === "FORM");
  log.errorForm = { action: form.action, method: form.method, submitted: !!form.submitted,
    inputs: Object.fromEntries(form.children.map((i) => [i.name, i.value])) };

  // Page 6: the ad blocker check and a BusyForm.
  page = loadPage(tab, "?participant_id=7");
  let blocked = false;
  page.d.hasAdBlocker(() => { blocked = true; });
  page.timers.forEach((fn) => fn());
  log.adBlocker = blocked;
  const field = { nodeType: 1, disabled: false };
  const busy = page.d.BusyForm();
  busy.freeze([[field]]);
  log.frozen = field.disabled;
  busy.unfreeze();
  log.unfrozen = field.disabled === false;

  // Page 7: a new assignment in the URL starts a new identity; goToPage before sign-up.
  page = loadPage(tab, "?workerId=W2&hitId=H&assignmentId=A2&mode=debug");
  log.newIdentity = { participantId: page.d.identity.participantId, workerId: page.d.identity.workerId };
  page.d.goToPage("instructions");

  // Page 8: a waiting room: createParticipant resolves once the quorum channel says so.
  const room = newTab();
  room.replies["POST /participant"] = [[200, { status: "success", quorum: { n: 1, q: 2, overrecruited: false },
    participant: { id: 8, assignment_id: "Q", worker_id: "QW", hit_id: "H", unique_id: "QW:Q" } }]];
  page = loadPage(room, "?workerId=QW&hitId=H&assignmentId=Q&mode=debug");
  let joined = false;
  page.d.createParticipant().done(() => { joined = true; });
  await tick();
  log.quorumBefore = { joined, width: page.elements["waiting-progress-bar"].style.width, url: room.sockets[0] && room.sockets[0].url };
  room.sockets[0].socket.close = () => {};
  room.sockets[0].socket.onmessage({ data: "chatroom:ignored" });
  room.sockets[0].socket.onmessage({ data: 'quorum:{"n": 2, "q": 2, "overrecruited": false}' });
  await tick();
  log.quorumAfter = { joined, width: page.elements["waiting-progress-bar"].style.width,
    text: page.elements["progress-percentage"].textContent };

  // Page 9: over-recruited participants skip the experiment.
  const over = newTab();
  over.replies["POST /participant"] = [[200, { status: "success", quorum: { n: 3, q: 2, overrecruited: true },
    participant: { id: 4, assignment_id: "O", worker_id: "OW", hit_id: "H", unique_id: "OW:O" } }]];
  page = loadPage(over, "?workerId=OW&hitId=H&assignmentId=O&mode=debug");
  await page.d.createParticipant();
  log.skip = page.d.skip_experiment;

  // Page 10: loadParticipant takes over an existing participant.
  const load = newTab();
  page = loadPage(load, "?mode=debug");
  await page.d.loadParticipant("A9");
  log.loaded = Object.assign({}, page.d.identity);

  log.sent = tab.sent.concat(load.sent);
  log.assigned = tab.assigned;
  process.stdout.write(JSON.stringify(log));
})();
