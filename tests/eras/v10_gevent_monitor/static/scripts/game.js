var my_node_id;

$(document).ready(function () {
  dallinger.preventExit = true;
  dallinger.createAgent()
    .done(function (resp) {
      my_node_id = resp.node.id;
      var started = Date.now();
      setTimeout(function () {
        $("#react").prop("disabled", false).text("Now!");
        started = Date.now();
      }, 200);
      $("#react").click(function () {
        $("#react").prop("disabled", true);
        dallinger.createInfo(my_node_id, {contents: String(Date.now() - started), info_type: "Info"})
          .done(function () {
            dallinger.allowExit();
            dallinger.goToPage("questionnaire");
          })
          .fail(function (rejection) { dallinger.error(rejection); });
      });
    })
    .fail(function (rejection) { dallinger.error(rejection); });
});
