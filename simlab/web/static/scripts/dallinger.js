/* simlab's dallinger.js: the globals of Dallinger's first client library (releases up to 5.0.1).
 *
 * Experiments of those releases write their own pages, which load jQuery, reqwest,
 * store.js and this file, and call its globals: getUrlParameter, Dallinger.submitQuestionnaire,
 * Dallinger.BusyForm, the URL's hit_id / worker_id / assignment_id / mode / participant_id,
 * prevent_exit and allow_exit, go_to_page, create_participant (waiting for the quorum
 * when there is one), submitResponses / submit_responses, submitAssignment /
 * submit_assignment, waitForQuorum and updateProgressBar.  The same globals and requests
 * as 3.4's, in the same order (``/worker_complete`` gets ``participant_id`` as well as
 * 3.x's ``uniqueId``); written for simlab (Dallinger removed this file in 5.0.2).
 */
/* globals $, reqwest, store, Spinner, ReconnectingWebSocket */

var getUrlParameter = function getUrlParameter(name) {
  var pairs = decodeURIComponent(window.location.search.substring(1)).split("&");
  for (var i = 0; i < pairs.length; i++) {
    var pair = pairs[i].split("=");
    if (pair[0] === name) {
      return pair[1] === undefined ? true : pair[1];
    }
  }
};

function showErrorPage(err) {
  // Dallinger's error answers carry the error page as "html"
  try {
    var body = JSON.parse(err.response);
    if (body && body.html) { $("body").html(body.html); }
  } catch (e) {
    console.log(err);
  }
}

var Dallinger = (function () {
  var dlgr = {};

  dlgr.submitQuestionnaire = function (name) {
    var answers = {}, deferred = $.Deferred();
    $("form").serializeArray().forEach(function (field) { answers[field.name] = field.value; });
    reqwest({
      method: "post",
      url: "/question/" + participant_id,
      data: { question: name || "questionnaire", number: 1, response: JSON.stringify(answers) },
      type: "json",
      success: function () { deferred.resolve(); },
      error: function (err) { deferred.reject(); showErrorPage(err); }
    });
    return deferred;
  };

  dlgr.BusyForm = (function () {
    var BusyForm = function (options) {
      if (!(this instanceof BusyForm)) { return new BusyForm(options); }
      var settings = $.extend(true, { spinnerSettings: { scale: 1.5 }, spinnerID: "spinner" }, options);
      this.spinner = new Spinner(settings.spinnerSettings);
      this.target = document.getElementById(settings.spinnerID);
      if (this.target === null) {
        throw new Error('Target HTML element for spinner with ID "' + settings.spinnerID + '" does not exist.');
      }
      this.$elements = [];
    };
    BusyForm.prototype.freeze = function ($elements) {
      this.$elements = $elements;
      $elements.forEach(function ($element) { $element.attr("disabled", true); });
      this.spinner.spin(this.target);
    };
    BusyForm.prototype.unfreeze = function () {
      this.$elements.forEach(function ($element) { $element.attr("disabled", false); });
      this.spinner.stop();
      this.$elements = [];
    };
    return BusyForm;
  }());

  return dlgr;
})();

var hit_id = getUrlParameter("hit_id");
var worker_id = getUrlParameter("worker_id");
var assignment_id = getUrlParameter("assignment_id");
var mode = getUrlParameter("mode");
var participant_id = getUrlParameter("participant_id");

// Leaving the page asks first when the experiment sets prevent_exit, but not right after allow_exit().
var allow_exit_once = false;
var prevent_exit = false;
window.addEventListener("beforeunload", function (e) {
  if (prevent_exit === true && allow_exit_once === false) {
    var warning = "Warning: the study is not yet finished. Closing the window, refreshing the page " +
      "or navigating elsewhere might prevent you from finishing the experiment.";
    e.returnValue = warning;
    return warning;
  }
  allow_exit_once = false;
  return undefined;
});

var allow_exit = function () { allow_exit_once = true; };

var go_to_page = function (page) {
  window.location = "/" + page + "?participant_id=" + participant_id;
};

var submitAssignment = function () {
  var deferred = $.Deferred();
  reqwest({
    url: "/participant/" + participant_id,
    method: "get",
    type: "json",
    success: function (resp) {
      mode = resp.participant.mode;
      hit_id = resp.participant.hit_id;
      assignment_id = resp.participant.assignment_id;
      // the participant's JSON has had no worker_id since 3.5: the stored one
      worker_id = resp.participant.worker_id || (typeof store !== "undefined" && store.get("worker_id")) || worker_id;
      reqwest({
        url: "/worker_complete",
        method: "get",
        type: "json",
        // 3.x's server read uniqueId, every later one participant_id: both, as either reads them
        data: { participant_id: participant_id, uniqueId: worker_id + ":" + assignment_id },
        success: function () {
          deferred.resolve();
          allow_exit();
          window.location = "/complete";
        },
        error: function (err) { deferred.reject(); showErrorPage(err); }
      });
    }
  });
  return deferred;
};

var submit_assignment = function () { return submitAssignment(); };

var updateProgressBar = function (value, total) {
  var percent = Math.round((value / total) * 100.0) + "%";
  $("#waiting-progress-bar").css("width", percent);
  $("#progress-percentage").text(percent);
};

var waitForQuorum = function () {
  var scheme = (window.location.protocol === "https:") ? "wss://" : "ws://";
  var socket = new ReconnectingWebSocket(scheme + location.host + "/chat?channel=quorum");
  var deferred = $.Deferred();
  socket.onmessage = function (msg) {
    if (msg.data.indexOf("quorum:") !== 0) { return; }
    var data = JSON.parse(msg.data.substring(7));
    updateProgressBar(data.n, data.q);
    if (data.n >= data.q) { deferred.resolve(); }
  };
  return deferred;
};

var create_participant = function () {
  // the ids the consent page kept in the store, else the page's own URL
  var ids = (typeof store !== "undefined") ?
    [store.get("worker_id"), store.get("hit_id"), store.get("assignment_id"), store.get("mode")] :
    [worker_id, hit_id, assignment_id, mode];
  var deferred = $.Deferred();
  if (participant_id !== undefined && participant_id !== "undefined") {
    deferred.resolve();
    return deferred;
  }
  $(function () {
    $(".btn-success").prop("disabled", true);
    reqwest({
      url: "/participant/" + ids.join("/"),
      method: "post",
      type: "json",
      success: function (resp) {
        $(".btn-success").prop("disabled", false);
        participant_id = resp.participant.id;
        if (!resp.quorum || resp.quorum.n === resp.quorum.q) {
          deferred.resolve();
        } else {
          updateProgressBar(resp.quorum.n, resp.quorum.q);
          waitForQuorum().done(function () { deferred.resolve(); });
        }
      },
      error: function (err) { showErrorPage(err); }
    });
  });
  return deferred;
};

var lock = false;

var submitNextResponse = function (n) {
  // every question of the page's form, one POST /question each, in order
  var ids = $("form .question select, input, textarea").map(function () { return $(this).attr("id"); });
  reqwest({
    url: "/question/" + participant_id,
    method: "post",
    type: "json",
    data: { question: $("#" + ids[n]).attr("name"), number: n + 1, response: $("#" + ids[n]).val() },
    success: function () {
      if (n <= ids.length) { submitNextResponse(n + 1); }
    },
    error: function (err) {
      try {
        var body = JSON.parse(err.response);
        if (body.hasOwnProperty("html")) { $("body").html(body.html); }
      } catch (e) {
        console.log(err);
      }
    }
  });
};

var submitResponses = function () {
  submitNextResponse(0);
  submitAssignment();
};

var submit_responses = function () {
  submitResponses();
  submitAssignment();
};
