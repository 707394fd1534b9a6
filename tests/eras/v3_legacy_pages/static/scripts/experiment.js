var my_node_id;

$(document).ready(function() {
    prevent_exit = true;

    $("#consent").click(function() {
        store.set("hit_id", getUrlParameter("hit_id"));
        store.set("worker_id", getUrlParameter("worker_id"));
        store.set("assignment_id", getUrlParameter("assignment_id"));
        store.set("mode", getUrlParameter("mode"));
        allow_exit();
        window.location.href = '/instructions';
    });

    $("#no-consent").click(function() {
        allow_exit();
        window.close();
    });

    $("#submit-response").click(function() {
        $("#submit-response").addClass('disabled');
        reqwest({
            url: "/info/" + my_node_id,
            method: 'post',
            data: {contents: $("#animal").val(), info_type: "Info"},
            success: function (resp) {
                allow_exit();
                go_to_page('questionnaire');
            }
        });
    });

    $("#submit-questionnaire").click(function() {
        Dallinger.submitQuestionnaire("questionnaire").done(function () {
            submitAssignment();
        });
    });
});

var create_agent = function() {
    reqwest({
        url: "/node/" + participant_id,
        method: 'post',
        type: 'json',
        success: function (resp) {
            my_node_id = resp.node.id;
            $("#submit-response").removeClass('disabled');
        },
        error: function (err) {
            allow_exit();
            go_to_page('questionnaire');
        }
    });
};
