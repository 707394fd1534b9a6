/*
 * simlab's browser client for the Dallinger web API: the global `dallinger` object that
 * Dallinger experiments' templates call, written from Dallinger's documented client API
 * and simlab's spec (sections 2, 3, 4 and 4.27). It needs no other library: with
 * spin.js, store.js and fingerprintjs2 on the page (Dallinger's base layout loads them)
 * it uses them, without them it falls back to its own.
 *
 * What a page can observe is Dallinger's: the identity (from the URL, kept in storage
 * from page to page), the requests (form-urlencoded; GET data in the query string), the
 * deferreds (.done/.fail/.always/.then, never an unhandled rejection), AjaxRejection,
 * createParticipant's disabled `.btn-success` buttons and its quorum wait, the
 * questionnaire going on to submitAssignment, the exit through the opener window.
 * Differences, on purpose: the identity is kept per browser tab (sessionStorage) and a
 * new assignmentId/workerId in a page URL starts a new identity; object values in
 * request data travel as JSON text; a missing fingerprint library is not an alert.
 */
(function (window) {
  "use strict";

  var document = window.document;
  var STORE_PREFIX = "dallinger.";
  var noop = function () {};

  // ---- deferreds -------------------------------------------------------------------

  // A native promise seen through jQuery Deferred's callback methods. A rejection is
  // never "unhandled" (jQuery's deferreds never are), so pages that only call .done()
  // raise no page error when a request fails.
  function deferred(promise) {
    promise.catch(noop);
    var state = "pending";
    promise.then(function () { state = "resolved"; }, function () { state = "rejected"; });
    function each(args, fn) {
      Array.prototype.forEach.call(args, function (cb) {
        [].concat(cb).forEach(function (f) { if (typeof f === "function") fn(f); });
      });
    }
    var d = {
      then: function (ok, bad) { return deferred(promise.then(ok, bad)); },
      catch: function (bad) { return deferred(promise.catch(bad)); },
      finally: function (fn) { return deferred(promise.finally(fn)); },
      done: function () { each(arguments, function (f) { promise.then(f, noop); }); return d; },
      fail: function () { each(arguments, function (f) { promise.then(null, f); }); return d; },
      always: function () { each(arguments, function (f) { promise.then(f, f); }); return d; },
      progress: function () { return d; },
      promise: function () { return d; },
      state: function () { return state; },
    };
    return d;
  }

  function resolved(value) {
    return deferred(Promise.resolve(value));
  }

  // ---- storage and identity --------------------------------------------------------

  var memory = {};
  function backend() {
    try {
      return window.sessionStorage || null;
    } catch (e) {
      return null;
    }
  }
  var storage = {
    available: true,
    set: function (key, value) {
      if (typeof value === "undefined") return;
      memory[key] = value;
      try {
        backend().setItem(STORE_PREFIX + key, JSON.stringify(value));
      } catch (e) {
        /* the page-local copy is enough */
      }
    },
    get: function (key) {
      try {
        var raw = backend().getItem(STORE_PREFIX + key);
        if (raw !== null) return JSON.parse(raw);
      } catch (e) {
        /* fall back to the page-local copy */
      }
      return memory[key];
    },
    remove: function (key) {
      delete memory[key];
      try {
        backend().removeItem(STORE_PREFIX + key);
      } catch (e) {
        /* nothing stored */
      }
    },
    all: function () {
      var all = {};
      IDENTITY_KEYS.forEach(function (key) {
        var value = storage.get(key);
        if (typeof value !== "undefined") all[key] = value;
      });
      return all;
    },
  };

  // Dallinger's getUrlParameter: the value, `true` for a bare `?name`, undefined if absent.
  function getUrlParameter(name) {
    var search = window.location.search || "";
    var pairs = search.replace(/^\?/, "").split("&");
    for (var i = 0; i < pairs.length; i++) {
      if (!pairs[i]) continue;
      var at = pairs[i].indexOf("=");
      var key = decodeURIComponent((at === -1 ? pairs[i] : pairs[i].slice(0, at)).replace(/\+/g, " "));
      if (key === name) return at === -1 ? true : decodeURIComponent(pairs[i].slice(at + 1).replace(/\+/g, " "));
    }
    return undefined;
  }

  function urlValue(names) {
    for (var i = 0; i < names.length; i++) {
      var value = getUrlParameter(names[i]);
      if (typeof value === "string" && value !== "") return value;
    }
    return undefined;
  }

  function asId(value) {
    if (typeof value === "string" && /^\d+$/.test(value)) return Number(value);
    return value;
  }

  var IDENTITY_KEYS = [
    "recruiter", "hit_id", "worker_id", "assignment_id", "unique_id", "mode",
    "participant_id", "fingerprint_hash", "entry_information",
  ];
  var identity = { initialize: initialize };
  [
    ["recruiter", "recruiter"], ["hitId", "hit_id"], ["workerId", "worker_id"],
    ["assignmentId", "assignment_id"], ["uniqueId", "unique_id"], ["mode", "mode"],
    ["participantId", "participant_id"], ["fingerprintHash", "fingerprint_hash"],
    ["entryInformation", "entry_information"],
  ].forEach(function (pair) {
    Object.defineProperty(identity, pair[0], {
      enumerable: true,
      get: function () { return storage.get(pair[1]); },
      set: function (value) { storage.set(pair[1], value); },
    });
  });

  var fingerprinted = null;

  // Read the page URL into the identity. The ids stay in storage from page to page
  // (later pages carry only participant_id); a page whose URL names another
  // assignment or worker starts a new identity.
  function initialize() {
    var assignmentId = urlValue(["assignmentId", "assignment_id"]);
    var workerId = urlValue(["workerId", "worker_id"]);
    if ((assignmentId && assignmentId !== identity.assignmentId) || (workerId && workerId !== identity.workerId)) {
      IDENTITY_KEYS.forEach(storage.remove);
    }
    identity.recruiter = urlValue(["recruiter"]);
    identity.hitId = urlValue(["hitId", "hit_id"]);
    identity.workerId = workerId;
    identity.assignmentId = assignmentId;
    identity.mode = urlValue(["mode"]);
    if (assignmentId || workerId) identity.uniqueId = identity.workerId + ":" + identity.assignmentId;
    var participantId = urlValue(["participant_id", "participantId"]);
    if (participantId) identity.participantId = asId(participantId);

    // Every query parameter of the page is entry information (spec 4.27), mode aside.
    var entry = { assignmentId: identity.assignmentId, hitId: identity.hitId, workerId: identity.workerId };
    new URLSearchParams(window.location.search || "").forEach(function (value, key) {
      if (key !== "participant_id" && key !== "participantId") entry[key] = value;
    });
    delete entry.mode;
    Object.keys(entry).forEach(function (key) { if (typeof entry[key] === "undefined") delete entry[key]; });
    identity.entryInformation = entry;

    fingerprinted = new Promise(function (resolve) {
      if (dlgr.missingFingerprint()) {
        if (window.console) console.warn("dallinger2.js: fingerprint2.js is not loaded; no fingerprint_hash is sent");
        resolve(undefined);
        return;
      }
      new window.Fingerprint2().get(function (hash) {
        identity.fingerprintHash = hash;
        resolve(hash);
      });
    });
  }

  // ---- requests ----------------------------------------------------------------------

  function encode(data) {
    var params = new URLSearchParams();
    if (!data || typeof data !== "object") return typeof data === "string" ? data : "";
    Object.keys(data).forEach(function (key) {
      var value = data[key];
      if (value === undefined || value === null) return;
      // Objects (details, answers) travel as JSON text, which the server parses.
      params.append(key, typeof value === "object" ? JSON.stringify(value) : String(value));
    });
    return params.toString();
  }

  function parseObject(text) {
    try {
      var parsed = JSON.parse(text);
      return parsed !== null && typeof parsed === "object" && !Array.isArray(parsed) ? parsed : {};
    } catch (e) {
      return {};
    }
  }

  // Information about a rejected get/post, as Dallinger's AjaxRejection.
  function AjaxRejection(options) {
    if (!(this instanceof AjaxRejection)) return new AjaxRejection(options);
    this.route = options.route;
    this.method = options.method;
    this.data = options.data || {};
    this.error = options.error;
    this.status = options.error.status;
    this.response = parseObject(options.error.response);
    this.html = this.response.html || "";
    this.errorCode = this.response.error_code;
    this.error_code = this.errorCode;
    this.message = this.response.message || options.error.statusText || "";
    this.requestJSON = JSON.stringify({ route: this.route, data: JSON.stringify(this.data), method: this.method });
  }

  // One request, resolved with the parsed JSON body of a 2xx; anything else rejects
  // with an AjaxRejection.
  function ajax(method, route, data) {
    var url = route;
    var body = encode(data);
    var init = {
      method: method.toUpperCase(),
      credentials: "same-origin",
      headers: {
        Accept: "application/json, text/javascript",
        "X-Requested-With": "XMLHttpRequest",
        "Content-Type": "application/x-www-form-urlencoded",
      },
    };
    if (init.method === "GET") {
      if (body) url += (url.indexOf("?") === -1 ? "?" : "&") + body;
    } else {
      init.body = body;
    }
    var request = window.fetch(url, init).then(
      function (response) {
        return response.text().then(function (text) {
          if (response.ok) {
            // an empty 2xx body resolves, as with Dallinger's reqwest (mcmcp's /choice answers one)
            if (!text) return {};
            try {
              return JSON.parse(text);
            } catch (e) {
              throw AjaxRejection({ route: route, method: method, data: data,
                error: { status: response.status, response: text, statusText: "Could not parse JSON in response" } });
            }
          }
          throw AjaxRejection({ route: route, method: method, data: data,
            error: { status: response.status, response: text, statusText: response.statusText } });
        });
      },
      function (err) {
        throw AjaxRejection({ route: route, method: method, data: data, error: { status: 0, response: "", statusText: String(err) } });
      }
    );
    return deferred(request);
  }

  // ---- page helpers ------------------------------------------------------------------

  function whenReady(fn) {
    if (document.readyState === "loading" && document.addEventListener) {
      document.addEventListener("DOMContentLoaded", fn);
    } else {
      fn();
    }
  }

  function setDisabled(selector, disabled) {
    if (!document.querySelectorAll) return;
    Array.prototype.forEach.call(document.querySelectorAll(selector), function (el) { el.disabled = disabled; });
  }

  // Elements from jQuery objects, NodeLists, arrays or single elements.
  function elementsOf(things) {
    var out = [];
    [].concat(things || []).forEach(function (thing) {
      if (!thing) return;
      if (thing.nodeType === 1) out.push(thing);
      else if (typeof thing.length === "number") Array.prototype.forEach.call(thing, function (el) { out.push(el); });
    });
    return out;
  }

  function makeSpinner(settings) {
    if (typeof window.Spinner === "function") return new window.Spinner(settings || {});
    // Without spin.js: a plain text marker in the target.
    var marker = null;
    return {
      spin: function (target) {
        marker = document.createElement("span");
        marker.className = "dallinger-busy";
        marker.textContent = "Working…";
        target.appendChild(marker);
        return this;
      },
      stop: function () {
        if (marker && marker.parentNode) marker.parentNode.removeChild(marker);
        marker = null;
        return this;
      },
    };
  }

  // Dallinger's BusyForm: a spinner in #spinner while the given elements are disabled.
  function BusyForm(options) {
    if (!(this instanceof BusyForm)) return new BusyForm(options);
    options = options || {};
    var spinnerID = options.spinnerID || "spinner";
    this.spinner = makeSpinner(Object.assign({ scale: 1.5 }, options.spinnerSettings || {}));
    this.target = document.getElementById(spinnerID);
    if (this.target === null) {
      throw new Error('Target HTML element for spinner with ID "' + spinnerID + '" does not exist.');
    }
    this.$elements = [];
  }
  BusyForm.prototype.freeze = function ($elements) {
    this.$elements = elementsOf($elements);
    this.$elements.forEach(function (el) { el.disabled = true; });
    this.spinner.spin(this.target);
  };
  BusyForm.prototype.unfreeze = function () {
    this.$elements.forEach(function (el) { el.disabled = false; });
    this.spinner.stop();
    this.$elements = [];
  };

  function hiddenInput(form, name, value) {
    if (!value && value !== 0) return;
    var input = document.createElement("input");
    input.type = "hidden";
    input.name = name;
    input.value = value;
    form.appendChild(input);
  }

  function leave(url) {
    if (typeof window.location.assign === "function") window.location.assign(url);
    else window.location.href = url;
  }

  // The answers of every named field inside the page's forms (jQuery's `form :input`),
  // except that only the checked radio button of a group counts.
  function formAnswers() {
    var answers = {};
    var fields = document.querySelectorAll ? document.querySelectorAll("form input, form select, form textarea, form button") : [];
    Array.prototype.forEach.call(fields, function (el) {
      if (!el.name) return;
      if (el.type === "radio" && !el.checked) return;
      if (el.tagName === "SELECT" && el.multiple) {
        answers[el.name] = Array.prototype.filter.call(el.options, function (o) { return o.selected; }).map(function (o) { return o.value; });
      } else {
        answers[el.name] = el.value;
      }
    });
    return answers;
  }

  // ---- the dallinger object ----------------------------------------------------------

  var dlgr = {
    skip_experiment: false,
    identity: identity,
    storage: storage,
    getUrlParameter: getUrlParameter,
    BusyForm: BusyForm,
    AjaxRejection: AjaxRejection,
    allowExitOnce: false,
    preventExit: false,

    get: function (route, data) { return ajax("get", route, data); },
    post: function (route, data) { return ajax("post", route, data); },

    // Let the next navigation leave the page without the "study not finished" prompt.
    allowExit: function () { dlgr.allowExitOnce = true; },

    // Go to /<page>?participant_id=N, or with the recruiter ids before sign-up.
    goToPage: function (page) {
      if (identity.participantId !== undefined && identity.participantId !== "undefined") {
        leave("/" + page + "?participant_id=" + identity.participantId);
      } else {
        leave("/" + page + "?assignmentId=" + identity.assignmentId + "&hitId=" + identity.hitId +
          "&workerId=" + identity.workerId + "&mode=" + identity.mode);
      }
    },

    // Sign the participant up once (every later call resolves at once). The page's
    // `.btn-success` buttons stay disabled until the server answers; with a quorum the
    // promise resolves when enough participants have joined.
    createParticipant: function () {
      if (identity.participantId !== undefined && identity.participantId !== "undefined") {
        return resolved({ participant: { id: identity.participantId } });
      }
      return deferred(new Promise(function (resolve, reject) {
        whenReady(function () {
          setDisabled(".btn-success", true);
          fingerprinted.then(function (hash) {
            var data = Object.assign({}, identity.entryInformation || {});
            if (hash) data.fingerprint_hash = hash;
            dlgr.post("/participant", data).then(function (resp) {
              var p = resp.participant;
              identity.participantId = p.id;
              identity.assignmentId = p.assignment_id;
              identity.uniqueId = p.unique_id;
              identity.workerId = p.worker_id;
              identity.hitId = p.hit_id;
              setDisabled(".btn-success", false);
              var quorum = resp.quorum;
              if (!quorum) return resolve(resp);
              if (quorum.overrecruited) {
                dlgr.skip_experiment = true;
                return resolve(resp);
              }
              if (quorum.n < quorum.q) {
                dlgr.updateProgressBar(quorum.n, quorum.q);
                dlgr.waitForQuorum().done(function () { resolve(resp); });
              } else {
                resolve(resp);
              }
            }, reject);
          });
        });
      }));
    },

    // Take over an existing participant by assignment id (or entry information).
    loadParticipant: function (assignmentInfo) {
      var data = assignmentInfo;
      if (typeof assignmentInfo === "object") identity.entryInformation = assignmentInfo;
      else data = { assignment_id: assignmentInfo };
      if (identity.participantId !== undefined && identity.participantId !== "undefined") return resolved();
      return deferred(new Promise(function (resolve, reject) {
        whenReady(function () {
          setDisabled(".btn-success", true);
          dlgr.post("/load-participant", data).then(function (resp) {
            var p = resp.participant;
            identity.participantId = p.id;
            identity.recruiter = p.recruiter_id;
            identity.hitId = p.hit_id;
            identity.workerId = p.worker_id;
            identity.assignmentId = p.assignment_id || data.assignment_id;
            identity.mode = p.mode;
            identity.fingerprintHash = p.fingerprint_hash;
            setDisabled(".btn-success", false);
            resolve(resp);
          }, reject);
        });
      }));
    },

    createAgent: function (data) { return dlgr.post("/node/" + identity.participantId, data); },
    createInfo: function (nodeId, data) { return dlgr.post("/info/" + nodeId, data); },
    getExperimentProperty: function (prop) { return dlgr.get("/experiment/" + prop); },
    getInfo: function (nodeId, infoId) { return dlgr.get("/info/" + nodeId + "/" + infoId); },
    getInfos: function (nodeId, data) { return dlgr.get("/node/" + nodeId + "/infos", data); },
    getReceivedInfos: function (nodeId, data) { return dlgr.get("/node/" + nodeId + "/received_infos", data); },
    // Also marks the node's pending transmissions received (spec 4.15).
    getTransmissions: function (nodeId, data) { return dlgr.get("/node/" + nodeId + "/transmissions", data); },
    transmit: function (nodeId, data) { return dlgr.post("/node/" + nodeId + "/transmit", data); },

    // Post the page's form answers as one Question, then submit the assignment.
    submitQuestionnaire: function (name) {
      var fields = document.querySelectorAll ? document.querySelectorAll("form input, form select, form textarea, form button") : [];
      var button = document.querySelectorAll ? document.querySelectorAll("button#submit-questionnaire") : [];
      var spinner = null;
      try {
        spinner = BusyForm();
      } catch (e) {
        spinner = null; // no #spinner on the page: go on without one
      }
      var posted = dlgr.post("/question/" + identity.participantId, {
        question: name || "questionnaire",
        number: 1,
        response: JSON.stringify(formAnswers()),
      });
      if (spinner) spinner.freeze([fields, button]);
      var done = posted.then(function () {
        return dlgr.submitAssignment().then(function (resp) {
          if (spinner) spinner.unfreeze();
          return resp;
        });
      });
      done.fail(function (rejection) { dlgr.error(rejection); });
      return done;
    },

    // POST /worker_complete, then show /recruiter-exit: in the window that opened the
    // study (the ad) if it is still there, closing this one; otherwise here.
    submitAssignment: function () {
      var participantId = identity.participantId;
      var exitRoute = "/recruiter-exit?participant_id=" + participantId;
      return dlgr.post("/worker_complete", { participant_id: participantId }).then(function (resp) {
        dlgr.allowExit();
        var opener = null;
        try {
          opener = window.opener && !window.opener.closed ? window.opener : null;
          if (opener && opener.location.pathname.indexOf("/dashboard") === 0) opener = null;
        } catch (e) {
          opener = null; // a cross-origin opener (a recruiter's site): stay here
        }
        if (opener) {
          opener.location = exitRoute;
          window.close();
        } else {
          leave(exitRoute);
        }
        return resp;
      });
    },

    // Show the server's error page (its form#error-response gets the request and
    // identity as hidden inputs), or post them to /error-page when there is none.
    error: function (rejection) {
      rejection = rejection || {};
      dlgr.allowExit();
      var form;
      if (rejection.html) {
        document.documentElement.innerHTML = rejection.html;
        form = document.querySelector("form#error-response");
      }
      if (!form) {
        form = document.createElement("form");
        form.action = "/error-page";
        form.method = "POST";
        document.body.appendChild(form);
      }
      if (rejection.data && rejection.data.participant_id) hiddenInput(form, "participant_id", rejection.data.participant_id);
      hiddenInput(form, "request_data", rejection.requestJSON);
      hiddenInput(form, "recruiter", identity.recruiter);
      hiddenInput(form, "mode", identity.mode);
      hiddenInput(form, "hit_id", identity.hitId);
      hiddenInput(form, "worker_id", identity.workerId);
      hiddenInput(form, "assignment_id", identity.assignmentId);
      hiddenInput(form, "fingerprint_hash", identity.fingerprintHash);
      if (!rejection.html) form.submit();
    },

    // Resolve once the quorum channel of /chat says enough participants have joined.
    waitForQuorum: function () {
      var scheme = window.location.protocol === "https:" ? "wss://" : "ws://";
      var url = scheme + window.location.host + "/chat?channel=quorum&worker_id=" + identity.workerId +
        "&participant_id=" + identity.participantId;
      var Socket = window.ReconnectingWebSocket || window.WebSocket;
      return deferred(new Promise(function (resolve) {
        var socket = new Socket(url);
        socket.onmessage = function (msg) {
          if (typeof msg.data !== "string" || msg.data.indexOf("quorum:") !== 0) return;
          var data = JSON.parse(msg.data.substring(7));
          dlgr.updateProgressBar(data.n, data.q);
          if (data.n >= data.q) {
            socket.close();
            resolve(data);
          }
        };
      }));
    },

    updateProgressBar: function (value, total) {
      var percent = Math.round((value / total) * 100.0) + "%";
      var bar = document.getElementById && document.getElementById("waiting-progress-bar");
      if (bar) bar.style.width = percent;
      var text = document.getElementById && document.getElementById("progress-percentage");
      if (text) text.textContent = percent;
    },

    missingFingerprint: function () {
      return typeof window.Fingerprint2 === "undefined";
    },

    // Call `callback` if an ad blocker hides a bait element (checked after 100 ms).
    hasAdBlocker: function (callback) {
      var bait = document.createElement("div");
      bait.innerHTML = "&nbsp;";
      bait.className = "adsbox";
      document.body.appendChild(bait);
      window.setTimeout(function () {
        if (bait.offsetHeight === 0) return callback();
        bait.remove();
      }, 100);
    },
  };

  window.addEventListener("beforeunload", function (event) {
    if (dlgr.preventExit && !dlgr.allowExitOnce) {
      var text = "Warning: the study is not yet finished. Closing the window, refreshing the page " +
        "or navigating elsewhere might prevent you from finishing the experiment.";
      event.preventDefault();
      event.returnValue = text;
      return text;
    }
    dlgr.allowExitOnce = false;
    return undefined;
  });

  window.dallinger = dlgr;
  initialize();
})(window);
