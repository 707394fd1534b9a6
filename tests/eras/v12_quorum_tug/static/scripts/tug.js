/*globals $, dallinger, ReconnectingWebSocket */
var my_node_id;
var tug_socket;
var scores_seen = 0;

$(document).ready(function () {
  dallinger.preventExit = true;
  dallinger.createAgent()
    .done(function (resp) {
      my_node_id = resp.node.id;
      var ws_scheme = (window.location.protocol === "https:") ? "wss://" : "ws://";
      tug_socket = new ReconnectingWebSocket(
        ws_scheme + location.host + "/chat?channel=tug&worker_id=" + dallinger.identity.workerId +
        "&participant_id=" + dallinger.identity.participantId
      );
      tug_socket.onopen = function () { $("#pull").prop("disabled", false); };
      tug_socket.onmessage = function (msg) {
        if (msg.data.indexOf("tug:") !== 0) { return; }
        var data = JSON.parse(msg.data.substring(4));
        if (data.type !== "score") { return; }
        scores_seen += 1;
        $("#pulls").text(JSON.stringify(data.pulls));
        if (data.winners.length) {
          $("#result").text(data.winners.indexOf(my_node_id) >= 0 ? "You won!" : "The other player won.");
          $("#pull").prop("disabled", true);
          $("#finish").prop("disabled", false);
        }
      };
    })
    .fail(function (rejection) { dallinger.error(rejection); });

  $("#pull").click(function () {
    tug_socket.send("tug:" + JSON.stringify({
      type: "pull", strength: 1, node_id: my_node_id, participant_id: dallinger.identity.participantId
    }));
  });

  $("#finish").click(function () {
    tug_socket.close();
    dallinger.allowExit();
    dallinger.goToPage("questionnaire");
  });
});
