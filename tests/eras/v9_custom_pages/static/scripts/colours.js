var my_node_id;

$(document).ready(function () {
  dallinger.preventExit = true;
  dallinger.createAgent()
    .done(function (resp) {
      my_node_id = resp.node.id;
      dallinger.get("/colour-tally").done(function (tally) {
        var names = Object.keys(tally.tally).sort();
        $("#tally").text(names.length ? names.join(", ") : "none");
        $("#submit-colour").prop("disabled", false);
      });
    })
    .fail(function (rejection) { dallinger.error(rejection); });

  $("#submit-colour").click(function () {
    $("#submit-colour").prop("disabled", true);
    dallinger.createInfo(my_node_id, {contents: $("#colour-name").val(), info_type: "Info"})
      .done(function () {
        dallinger.allowExit();
        dallinger.goToPage("questionnaire");
      })
      .fail(function (rejection) { dallinger.error(rejection); });
  });
});
