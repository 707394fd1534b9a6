/*
 * simlab's browser client for the Dallinger web API, written from simlab's spec
 * (sections 2, 3, 4 and 4.27). It exposes the global `dallinger` object that
 * Dallinger experiments' templates call, with no other library needed.
 *
 * Requests are form-urlencoded (GET data goes in the query string) because the
 * server reads request.values and ignores JSON bodies. Every call returns a
 * Promise that also has jQuery-style .done/.fail/.always, so ported templates
 * that chain `.done(...)` keep working.
 */
(function (window) {
  "use strict";

  var document = window.document;
  var STORE_PREFIX = "simlab.";

  // A native Promise with jQuery Deferred's callback methods; .then keeps them.
  class DallingerPromise extends Promise {
    done(fn) {
      this.then(fn, function () {});
      return this;
    }
    fail(fn) {
      this.then(null, fn);
      return this;
    }
    always(fn) {
      this.then(fn, fn);
      return this;
    }
  }

  function settled(value) {
    return DallingerPromise.resolve(value);
  }

  // sessionStorage can be disabled (privacy modes); fall back to a page-local map.
  var memory = {};
  var storage = {
    get: function (key) {
      try {
        var raw = window.sessionStorage.getItem(STORE_PREFIX + key);
        return raw === null ? undefined : JSON.parse(raw);
      } catch (e) {
        return memory[key];
      }
    },
    set: function (key, value) {
      memory[key] = value;
      try {
        window.sessionStorage.setItem(STORE_PREFIX + key, JSON.stringify(value));
      } catch (e) {
        /* memory copy is enough for this page */
      }
    },
    remove: function (key) {
      delete memory[key];
      try {
        window.sessionStorage.removeItem(STORE_PREFIX + key);
      } catch (e) {
        /* nothing stored */
      }
    },
  };

  function getUrlParameter(name) {
    var value = new URLSearchParams(window.location.search).get(name);
    return value === null ? undefined : value;
  }

  function firstParameter(names) {
    for (var i = 0; i < names.length; i++) {
      var value = getUrlParameter(names[i]);
      if (value !== undefined && value !== "") return value;
    }
    return undefined;
  }

  // The participant id is kept per assignment so two studies in one tab never mix.
  function participantKey(assignmentId) {
    return "participant_id:" + (assignmentId || "none");
  }

  function readIdentity() {
    var identity = {
      workerId: firstParameter(["workerId", "worker_id"]),
      hitId: firstParameter(["hitId", "hit_id"]),
      assignmentId: firstParameter(["assignmentId", "assignment_id"]),
      mode: getUrlParameter("mode"),
      recruiter: getUrlParameter("recruiter"),
    };
    identity.participantId =
      firstParameter(["participant_id", "participantId"]) || storage.get(participantKey(identity.assignmentId));
    return identity;
  }

  function encode(data) {
    var params = new URLSearchParams();
    if (!data) return params;
    Object.keys(data).forEach(function (key) {
      var value = data[key];
      if (value === undefined || value === null) return;
      // Objects (details, questionnaire answers) travel as JSON text.
      params.append(key, typeof value === "object" ? JSON.stringify(value) : String(value));
    });
    return params;
  }

  function parseJson(text) {
    try {
      return JSON.parse(text);
    } catch (e) {
      return undefined;
    }
  }

  // One request. Resolves with the parsed JSON body on 2xx and a JSON status other than
  // "error"; otherwise rejects with {status, html, error_code, data, message}.
  function ajax(method, route, data) {
    var url = route;
    var init = {
      method: method,
      credentials: "same-origin",
      headers: {
        Accept: "application/json, text/javascript",
        "X-Requested-With": "XMLHttpRequest",
      },
    };
    var params = encode(data);
    if (method === "GET") {
      var query = params.toString();
      if (query) url += (url.indexOf("?") === -1 ? "?" : "&") + query;
    } else {
      init.headers["Content-Type"] = "application/x-www-form-urlencoded; charset=UTF-8";
      init.body = params.toString();
    }
    setBusy(true);
    return new DallingerPromise(function (resolve, reject) {
      window
        .fetch(url, init)
        .then(function (response) {
          return response.text().then(function (text) {
            var body = parseJson(text);
            if (response.ok && !(body && body.status === "error")) {
              resolve(body === undefined ? text : body);
              return;
            }
            reject({
              status: response.status,
              html: body && body.html,
              error_code: body && body.error_code,
              message: (body && body.message) || response.statusText,
              data: body === undefined ? text : body,
            });
          });
        })
        .catch(function (err) {
          reject({ status: 0, message: String(err), data: undefined });
        })
        .finally(function () {
          setBusy(false);
        });
    });
  }

  // Pages may show a #spinner element while requests are in flight.
  var pending = 0;
  function setBusy(on) {
    pending += on ? 1 : -1;
    var spinner = document.getElementById("spinner");
    if (spinner) spinner.hidden = pending <= 0;
  }

  function needParticipant() {
    if (!dallinger.identity.participantId) {
      return DallingerPromise.reject({ status: 0, message: "no participant yet: call dallinger.createParticipant() first" });
    }
    return null;
  }

  function rememberParticipant(id) {
    dallinger.identity.participantId = String(id);
    storage.set(participantKey(dallinger.identity.assignmentId), String(id));
  }

  var dallinger = {
    identity: readIdentity(),
    storage: storage,
    preventExit: false,
    getUrlParameter: getUrlParameter,

    get: function (route, data) {
      return ajax("GET", route, data);
    },
    post: function (route, data) {
      return ajax("POST", route, data);
    },

    // Sign the page's participant up, once: every query parameter of the page is sent
    // so the server stores the extra ones as entry_information (spec 4.2, 4.27).
    createParticipant: function () {
      if (dallinger.identity.participantId) {
        return settled({ participant: { id: Number(dallinger.identity.participantId) } });
      }
      var form = {};
      new URLSearchParams(window.location.search).forEach(function (value, key) {
        if (key !== "participant_id" && key !== "participantId") form[key] = value;
      });
      return dallinger.post("/participant", form).then(function (resp) {
        rememberParticipant(resp.participant.id);
        return resp;
      });
    },

    createAgent: function (data) {
      return needParticipant() || dallinger.post("/node/" + dallinger.identity.participantId, data);
    },
    createInfo: function (nodeId, data) {
      return dallinger.post("/info/" + nodeId, data);
    },
    getInfo: function (nodeId, infoId) {
      return dallinger.get("/info/" + nodeId + "/" + infoId);
    },
    getInfos: function (nodeId, data) {
      return dallinger.get("/node/" + nodeId + "/infos", data);
    },
    getReceivedInfos: function (nodeId, data) {
      return dallinger.get("/node/" + nodeId + "/received_infos", data);
    },
    // Also marks the node's pending transmissions received (spec 4.15).
    getTransmissions: function (nodeId, data) {
      return dallinger.get("/node/" + nodeId + "/transmissions", data);
    },
    transmit: function (nodeId, data) {
      return dallinger.post("/node/" + nodeId + "/transmit", data);
    },
    getExperimentProperty: function (prop) {
      return dallinger.get("/experiment/" + prop);
    },

    // Post every named field of the page's forms as one JSON answer (spec 4.6).
    submitQuestionnaire: function (name) {
      var missing = needParticipant();
      if (missing) return missing;
      var answers = {};
      Array.prototype.forEach.call(document.forms, function (form) {
        new FormData(form).forEach(function (value, key) {
          if (typeof value === "string") answers[key] = value;
        });
      });
      return dallinger.post("/question/" + dallinger.identity.participantId, {
        question: name || "questionnaire",
        number: 1,
        response: JSON.stringify(answers),
      });
    },

    // Tell the server the participant finished, then go to the recruiter's exit page.
    submitAssignment: function () {
      var missing = needParticipant();
      if (missing) return missing;
      var id = dallinger.identity.participantId;
      return dallinger.post("/worker_complete", { participant_id: id }).then(function (resp) {
        dallinger.allowExit();
        window.location.assign("/recruiter-exit?participant_id=" + encodeURIComponent(id));
        return resp;
      });
    },

    // Go to /<page>, carrying the page's query (the identity) and the participant id.
    goToPage: function (page) {
      var params = new URLSearchParams(window.location.search);
      if (dallinger.identity.participantId) params.set("participant_id", dallinger.identity.participantId);
      var query = params.toString();
      dallinger.allowExit();
      window.location.assign("/" + page + (query ? "?" + query : ""));
    },

    allowExit: function () {
      dallinger.preventExit = false;
    },

    // Show the server's error page (it has the form#error-response feedback form).
    error: function (rejection) {
      dallinger.allowExit();
      var html = rejection && rejection.html;
      if (html) {
        var doc = new DOMParser().parseFromString(html, "text/html");
        document.title = doc.title || "Error";
        document.body.innerHTML = doc.body.innerHTML;
        return;
      }
      var main = document.createElement("main");
      var heading = document.createElement("h1");
      heading.textContent = "Sorry, there was an error";
      var text = document.createElement("p");
      text.textContent = (rejection && rejection.message) || "The server could not be reached.";
      main.appendChild(heading);
      main.appendChild(text);
      document.body.replaceChildren(main);
    },
  };

  if (dallinger.identity.participantId) rememberParticipant(dallinger.identity.participantId);

  window.addEventListener("beforeunload", function (event) {
    if (dallinger.preventExit) {
      event.preventDefault();
      event.returnValue = "";
    }
  });

  window.dallinger = dallinger;
})(window);
