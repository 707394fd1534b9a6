// Runs simlab's dallinger2.js in Node with a fake window and fetch, and prints what the
// client sent and what its promises did, as JSON, for test_client_js.py to check.
"use strict";
const fs = require("fs");
const vm = require("vm");

const sent = [];
const replies = {
  "POST /participant": [200, { status: "success", participant: { id: 7 } }],
  "POST /node/7": [200, { status: "success", node: { id: 3 } }],
  "GET /node/3/transmissions": [200, { status: "success", transmissions: [] }],
  "POST /info/3": [400, { status: "error", html: "<form id='error-response'></form>" }],
  "POST /node/7#second": [403, { status: "error" }],
  "POST /question/7": [200, { status: "success" }],
  "POST /worker_complete": [200, { status: "success" }],
};
let nodeCalls = 0;
const assigned = [];
const window = {
  location: { search: process.argv[3], assign: (url) => assigned.push(url) },
  addEventListener: () => {},
  document: { getElementById: () => null, forms: [] },
  fetch: (url, init) => {
    const [path, query] = url.split("?");
    sent.push({ method: init.method, path, query: query || "", body: init.body || "", headers: init.headers });
    let key = `${init.method} ${path}`;
    if (key === "POST /node/7" && nodeCalls++ > 0) key += "#second";
    const [status, body] = replies[key] || [404, { status: "error" }];
    return Promise.resolve({ ok: status < 300, status, statusText: "", text: () => Promise.resolve(JSON.stringify(body)) });
  },
};
const context = vm.createContext({ window, URLSearchParams, Promise, JSON, String, Object, Number, Array, console });
vm.runInContext(fs.readFileSync(process.argv[2], "utf8"), context);
const d = window.dallinger;
const log = { identity: Object.assign({}, d.identity) };

(async () => {
  await d.createParticipant();
  log.participantId = d.identity.participantId;
  await new Promise((resolve) => d.createAgent().done((r) => { log.done = r.node.id; resolve(); }));
  await d.getTransmissions(3, { status: "pending", details: { a: 1 } });
  await new Promise((resolve) => d.createInfo(3, { contents: "a b&c" }).fail((r) => { log.fail = r; resolve(); }));
  log.chained = await d.createAgent().then(() => "resolved", (r) => r.status);
  const chained = d.get("/x").then(() => 1);
  log.thenKeepsDone = typeof chained.done;
  chained.fail(() => {}); // /x is a 404
  await d.submitQuestionnaire();
  await d.submitAssignment();
  d.goToPage("questionnaire");
  log.sent = sent;
  log.assigned = assigned;
  process.stdout.write(JSON.stringify(log));
})();
