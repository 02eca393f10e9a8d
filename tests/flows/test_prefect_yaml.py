"""prefect.yaml declares the same deployments as `corridor deploy` (for those who use `prefect deploy`)."""
from pathlib import Path

import yaml

from corridor.flows.deploy import DEFAULT_POOL, DEPLOYMENTS, JOB_ENV

PREFECT_YAML = Path(__file__).resolve().parents[2] / "prefect.yaml"


def test_prefect_yaml_matches_corridor_deploy():
    declared = {d["name"]: d for d in yaml.safe_load(PREFECT_YAML.read_text())["deployments"]}
    assert set(declared) == {spec.name for spec in DEPLOYMENTS}
    for spec in DEPLOYMENTS:
        entry = declared[spec.name]
        assert entry["entrypoint"] == f"{spec.flow.fn.__module__}:{spec.flow.fn.__name__}"
        assert entry["work_pool"] == {"name": DEFAULT_POOL, "job_variables": {"env": JOB_ENV}}
        assert entry.get("parameters", {}) == (spec.parameters or {})
        schedules = entry.get("schedules", [])
        assert len(schedules) == len(spec.schedules)
        for declared_schedule, schedule in zip(schedules, spec.schedules):
            if "cron" in declared_schedule:
                assert (declared_schedule["cron"], declared_schedule["timezone"]) == (schedule.cron, schedule.timezone)
            else:
                assert declared_schedule["interval"] == schedule.interval.total_seconds()
