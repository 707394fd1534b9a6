"""The ``dallinger`` names of each release, and the ones simlab leaves out on purpose.

``dallinger_surface.json`` is extracted from the real packages of each
release (``tools/dallinger_surface.py``); every name in it either resolves
while simlab serves an experiment, or is listed here with the reason it is
absent.  A missing name is reported in one line naming the module, the name,
the releases that have it and, when known, why simlab leaves it out.
"""

from __future__ import annotations

import json
import re
from functools import cache
from importlib import resources
from typing import Any

DEPLOY = "deployment tooling (Heroku, Docker, EC2, the dallinger command line): simlab serves the folder in place"
SQL = "SQLAlchemy/PostgreSQL machinery: simlab keeps rows in its graph store, there is no SQL engine or table"
SERVICE = "talks to MTurk/Prolific/e-mail services: simlab recruits locally (hot air, bots) and sends nothing out"
DASHBOARD = "Dallinger's Flask-Login dashboard: simlab has its own admin pages (/admin) and serves no dashboard tabs"
INTERNAL = "internal to Dallinger's own server and config loader, not an experiment's API"
REPLAY = "replay/export of a finished Dallinger dataset (zip, Jupyter widgets): simlab exports with `simlab export`"
REDIS = "the address of a Redis server: simlab runs none (db.redis_conn works in process)"
PY2 = "a Python 2 compatibility alias of old releases"
BROWSERS = "Selenium driver maps for Firefox/remote grids: simlab bots drive headless chromium only (open_chromium)"

#: Modules simlab does not provide at all.
ABSENT_MODULES: dict[str, str] = {
    "dallinger.command_line": DEPLOY,
    "dallinger.heroku": DEPLOY,
    "dallinger.registration": "registers the experiment on OSF over the network at deploy time: simlab deploys nothing",
}

_ABSENT_NAMES: dict[str, dict[str, str]] = {
    "dallinger": {"patches Jupyter's output stream at import; simlab serves no notebook": "patch"},
    "dallinger.bots": {BROWSERS: "CAPABILITY_MAP DRIVER_MAP"},
    "dallinger.config": {
        PY2: "unicode",
        INTERNAL: "configurations ConfigLayer ConfigSource experiment_available experiment_directory initialize_experiment_package "
        "marker raise_invalid_key_error test_deprecation",
    },
    "dallinger.db": {
        SQL: "Base engine db_url db_url_default db_user_warning session_factory create_db_engine corrected_db_url "
        "check_connection after_begin after_commit after_soft_rollback get_mappers",
        "the rq worker queue: simlab runs every request and task on its own event loop": "get_queue",
        REDIS: "redis_url",
        INTERNAL: "initialize_experiment_package",
    },
    "dallinger.experiment": {
        SQL: "Base db_url",
        INTERNAL: "ConfigSource EXPERIMENT_ROUTE_REGISTRATIONS EXPERIMENT_TASK_REGISTRATIONS deferred_route_decorator "
        "exp_class_working_dir experiment_directory initialize_experiment_package module_is_initialized is_registered",
        DEPLOY: "HerokuApp",
        REPLAY: "Data Scrubber data_load export find_experiment_export ingest_zip",
    },
    "dallinger.experiment_server.dashboard": {
        DASHBOARD: "BROWSEABLE_MODELS DASHBOARD_ROUTE_REGISTRATIONS DashboardTab DashboardTabs LoginForm User "
        "auto_authenticate auto_recruit clean_http_request clean_line_info convert_ansi_to_html custom_401 dashboard "
        "dashboard_database dashboard_develop dashboard_heroku dashboard_index dashboard_lifecycle dashboard_logger "
        "dashboard_monitoring dashboard_mturk dashboard_tab dashboard_tabs database database_action database_children "
        "develop ensure_html_structure find_log_line_number heroku index init_db is_running_in_codespaces is_safe_url "
        "json_error_response lifecycle load_user load_user_from_request log_read_lines log_search_substring "
        "logs_find_line_number logs_find_lines logs_live logs_range monitoring mturk next_default node_details "
        "parse_searchpanes_filters prep_datatables_options should_auto_authenticate unauthorized validate_username "
        "when_with_relative_time TABLE_DEFAULTS JSON_LOGFILE deferred_route_decorator login logout tz",
        SERVICE: "FakeMTurkDataSource MTurkDashboardInformation MTurkDataSource NotUsingMTurkRecruiter mturk_data_source",
        DEPLOY: "HerokuApp",
    },
    "dallinger.experiment_server.utils": {
        INTERNAL: "ExperimentError ValidatesBrowser",
    },
    "dallinger.models": {
        SQL: "Base",
        "recruitment rows of Dallinger's MTurk/Prolific recruiters: simlab's recruiters keep none": "Recruitment",
    },
    "dallinger.recruiters": {
        SERVICE: "DuplicateQualificationNameError MTurkHITMessages MTurkQualificationRequirements MTurkQuestions "
        "MTurkRecruiterException MTurkService MTurkServiceException MessengerError PROLIFIC_AD_QUERYSTRING "
        "ProlificRecruiterException ProlificRecruitmentStatus ProlificScreenOutDenied ProlificService "
        "ProlificServiceException QualificationNotFoundException RecruitmentStatus WhimsicalMTurkHITMessages "
        "admin_notifier alphanumeric_code cancelled_hit check_for_prolific_worker_status_discrepancy "
        "dev_prolific_service_from_config get_mailer mturk_cancelled_hit_whimsical mturk_recruiter_notify "
        "mturk_resubmit mturk_resubmit_whimsical mturk_routes prolific_routes prolific_service_from_config "
        "prolific_submission_listener run_status_check handle_and_raise_recruitment_error handle_recruitment_error "
        "MockProlificRecruiter DevRecruiter MockRecruiter MultiRecruiter get_messenger",
        INTERNAL: "Output ParticipationTime Recruitment RedisStore RedisTally crossdomain get_exp_klass get_queue "
        "render_rich_table scoped_session_decorator set_log_level success_response worker_function",
        DEPLOY: "heroku_tools",
        REDIS: "conn",
    },
    "dallinger.utils": {
        DEPLOY: "DallingerFileSource DeploymentPlan DeploymentPlanError ExperimentFileSource ExplicitFileSource FileSource "
        "GitClient GitError CommandError POLICY_FILENAME abspath_from_egg assemble_experiment_temp_dir "
        "bootstrap_development_session build_and_place build_deployment_plan call check_call check_experiment_dependencies "
        "check_local_db_connection check_output collate_experiment_files copy_file dallinger_package_path "
        "develop_target_path ensure_constraints_file_presence ensure_directory exclusion_policy expunge_directory "
        "get_editable_dallinger_path is_command materialize_deployment_plan_entry open_browser pkg_resources run_command "
        "setup_experiment symlink_file validate_explicit_provider_destination wrap_subprocess_call is_broken_symlink "
        "port_is_open open_for_csv",
        INTERNAL: "BLUE BOLD END GREEN RED JSON_LOGFILE attach_json_logger deferred_route_decorator local_warning_cache "
        "print_bold route_name_from_func_name setup_warning_hooks show_warnings_once db get_exp_klass Participant",
        SERVICE: "ParticipationTime median_time_spent_in_hours",
    },
}

#: ``{module: {name: reason}}`` of the names simlab leaves out on purpose.
ABSENT_NAMES: dict[str, dict[str, str]] = {
    module: {name: reason for reason, names in by_reason.items() for name in names.split()}
    for module, by_reason in _ABSENT_NAMES.items()
}


@cache
def surface() -> dict[str, Any]:
    """The extracted surface: ``{"releases", "modules": {module: {name: {kind, releases}}}, "config_keys"}``."""
    text = resources.files("simlab.compat").joinpath("dallinger_surface.json").read_text(encoding="utf-8")
    return json.loads(text)


def release_span(releases: list[str]) -> str:
    """``7.8.0–12.4.0`` when ``releases`` are consecutive among the extracted ones, else a list."""
    known = surface()["releases"]
    idx = [known.index(r) for r in releases if r in known]
    if not idx:
        return "none"
    if idx == list(range(idx[0], idx[-1] + 1)) and len(idx) > 1:
        return f"{known[idx[0]]}–{known[idx[-1]]}"
    return ", ".join(known[i] for i in idx)


def absent_reason(module: str, name: str | None = None) -> str | None:
    """Why simlab leaves ``module`` (or ``module.name``) out, or None if it does not."""
    qualified = f"{module}.{name}" if name else module
    for prefix, reason in ABSENT_MODULES.items():
        if module == prefix or module.startswith(prefix + ".") or qualified == prefix:
            return reason
    if name is None:
        return None
    return ABSENT_NAMES.get(module, {}).get(name)


def _module_releases(module: str) -> list[str]:
    names = surface()["modules"].get(module)
    if not names:
        return []
    found: set[str] = set()
    for row in names.values():
        found.update(row["releases"])
    return [r for r in surface()["releases"] if r in found]


def missing_message(module: str, name: str | None = None) -> str:
    """One line naming ``module``/``name``, the Dallinger releases that have it and why simlab lacks it."""
    qualified = f"{module}.{name}" if name else module
    if name is None:
        releases = _module_releases(module)
    else:
        releases = surface()["modules"].get(module, {}).get(name, {}).get("releases", [])
    reason = absent_reason(module, name)
    if releases:
        have = f"Dallinger {release_span(releases)} {'has' if len(releases) == 1 else 'have'} it"
    else:
        known = surface()["releases"]
        have = f"no Dallinger release {known[0]}–{known[-1]} has it"
    why = f"deliberately absent: {reason}" if reason else "not provided by simlab"
    line = f"{qualified} is {why} ({have})"
    if module == "dallinger.experiments" and name and not reason:
        line += "; an experiment is found here by its class name once simlab has loaded it, or by an installed entry point"
    return line


_COMPAT = "simlab.compat.dallinger"
_CANNOT_IMPORT = re.compile(r"cannot import name '([^']+)' from '([^']+)'")


def describe_import_error(exc: BaseException) -> str | None:
    """The one-line message for an ImportError about a ``dallinger`` name, or None if it is about something else."""
    if isinstance(exc, ModuleNotFoundError):
        missing = exc.name or ""
        if missing == "dallinger" or missing.startswith("dallinger."):
            parent, _, leaf = missing.rpartition(".")
            if parent and parent in surface()["modules"] and leaf in surface()["modules"][parent]:
                return missing_message(parent, leaf)
            return missing_message(missing)
        return None
    if isinstance(exc, ImportError):
        match = _CANNOT_IMPORT.search(str(exc))
        if match:
            module = match.group(2)
            module = "dallinger" + module[len(_COMPAT) :] if module.startswith(_COMPAT) else module
            if module == "dallinger" or module.startswith("dallinger."):
                return missing_message(module, match.group(1))
    return None


class AbsentName(AttributeError):
    """A ``dallinger`` attribute simlab does not provide; its message is the one line."""


def module_getattr(module: str) -> Any:
    """A PEP 562 ``__getattr__`` for a compat module: absent names raise with the one-line message.

    ``module`` is the compat module's own ``__name__`` (``simlab.compat.dallinger.db``).
    """
    module = module.removeprefix("simlab.compat.")

    def __getattr__(name: str) -> Any:
        if name.startswith("__"):
            raise AttributeError(name)
        raise AbsentName(missing_message(module, name))

    return __getattr__


TABLE_BEGIN = "<!-- dallinger-surface-table:begin (generated by tools/dallinger_surface.py --readme README.md) -->"
TABLE_END = "<!-- dallinger-surface-table:end -->"


def status(module: str, name: str | None = None) -> str:
    """``works`` or ``deliberately absent: <reason>`` for a name of the surface (tests check ``works`` resolves)."""
    reason = absent_reason(module, name)
    return "works" if reason is None else f"deliberately absent: {reason}"


def readme_table() -> str:
    """The README's table: every module, name and config key of the extracted releases, and its status."""
    data = surface()
    lines = [
        TABLE_BEGIN,
        "",
        f"Extracted from Dallinger {', '.join(data['releases'])}.",
        "",
        "| Name | Dallinger releases | In simlab |",
        "|---|---|---|",
    ]
    for module, names in data["modules"].items():
        lines.append(f"| `{module}` (module) | {release_span(_module_releases(module))} | {status(module)} |")
        for name, row in names.items():
            lines.append(f"| `{module}.{name}` | {release_span(row['releases'])} | {status(module, name)} |")
    for key, row in data["config_keys"].items():
        synonyms = f" (synonyms: {', '.join(f'`{s}`' for s in row['synonyms'])})" if row["synonyms"] else ""
        lines.append(f"| config key `{key}`: {row['type']}{synonyms} | {release_span(row['releases'])} | works |")
    lines += ["", TABLE_END]
    return "\n".join(lines)
