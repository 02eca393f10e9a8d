"""`corridor deploy`: the three deployments, their work pool, the concurrency limit they share, two automations.

Running it again updates everything in place. The deployments name their flows by module path
(`corridor.flows.sync:…`), so a process worker with the package installed runs them as they are.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta
from typing import Any

from prefect.automations import AutomationCore, DoNothing, EventTrigger, Posture
from prefect.client.orchestration import get_client
from prefect.client.schemas.actions import GlobalConcurrencyLimitCreate, WorkPoolCreate
from prefect.deployments.runner import EntrypointType
from prefect.exceptions import ObjectNotFound
from prefect.schedules import Cron, Interval

from corridor.flows.sync import WAREHOUSE_LIMIT, backfill_flow, sync_flow

DEFAULT_POOL = "corridor"
NIGHTLY_ZONE = "Asia/Almaty"
# The nightly starts at 02:00 Almaty; a run not Completed 4 hours after it began (06:00) is an alert.
NIGHTLY_DEADLINE = timedelta(hours=4)
# The flow run's environment on the worker: the product's loggers reach Prefect's logs.
JOB_ENV = {"PREFECT_LOGGING_EXTRA_LOGGERS": "corridor"}


@dataclass(frozen=True)
class DeploymentSpec:
    name: str
    flow: Any
    description: str
    schedules: tuple = ()
    parameters: dict | None = None


DEPLOYMENTS = (
    DeploymentSpec("corridor-nightly", sync_flow, "Every feed, nightly mode (from each feed's watermark to now).",
                   (Cron("0 2 * * *", timezone=NIGHTLY_ZONE),)),
    DeploymentSpec("corridor-tracking", sync_flow, "The four tracking feeds, nightly mode, every 15 minutes.",
                   (Interval(timedelta(minutes=15)),), {"feeds": ["tracking"]}),
    DeploymentSpec("corridor-backfill", backfill_flow,
                   "A window [from, to) in 7-day chunks, oldest first; started again it resumes where it stopped."),
)


def automations(nightly_deployment_id, deadline: timedelta = NIGHTLY_DEADLINE) -> list[AutomationCore]:
    """Alerts on the nightly: it failed or crashed; it did not complete by the deadline after it began."""
    nightly = {"prefect.resource.id": f"prefect.deployment.{nightly_deployment_id}"}
    return [
        AutomationCore(
            name="corridor-nightly failed",
            description="A corridor-nightly run ended Failed or Crashed. Add a notification action to be told.",
            trigger=EventTrigger(
                expect={"prefect.flow-run.Failed", "prefect.flow-run.Crashed"},
                match_related=nightly, posture=Posture.Reactive, threshold=1, within=timedelta(0),
            ),
            actions=[DoNothing()],
        ),
        AutomationCore(
            name="corridor-nightly not completed by 06:00 Asia/Almaty",
            description="A corridor-nightly run began (02:00 Almaty) and had not Completed 4 hours later.",
            trigger=EventTrigger(
                after={"prefect.flow-run.Pending", "prefect.flow-run.Running"},
                expect={"prefect.flow-run.Completed"},
                match_related=nightly, for_each={"prefect.resource.id"},
                posture=Posture.Proactive, threshold=1, within=deadline,
            ),
            actions=[DoNothing()],
        ),
    ]


def deploy(pool: str = DEFAULT_POOL) -> dict[str, str]:
    """Register (or update) everything with the server at PREFECT_API_URL; returns deployment name → id."""
    with get_client(sync_client=True) as client:
        try:
            client.read_work_pool(pool)
        except ObjectNotFound:
            client.create_work_pool(WorkPoolCreate(name=pool, type="process"))
        try:
            client.read_global_concurrency_limit_by_name(WAREHOUSE_LIMIT)
        except ObjectNotFound:
            client.create_global_concurrency_limit(GlobalConcurrencyLimitCreate(name=WAREHOUSE_LIMIT, limit=1))
    ids = {}
    for spec in DEPLOYMENTS:
        deployment = spec.flow.to_deployment(
            name=spec.name, description=spec.description, schedules=list(spec.schedules),
            parameters=spec.parameters or {}, entrypoint_type=EntrypointType.MODULE_PATH,
            work_pool_name=pool, job_variables={"env": JOB_ENV}, enforce_parameter_schema=False,
        )
        ids[spec.name] = str(deployment.apply(work_pool_name=pool))
    with get_client(sync_client=True) as client:
        for automation in automations(ids["corridor-nightly"]):
            for existing in client.read_automations_by_name(automation.name):
                client.delete_automation(existing.id)
            client.create_automation(automation)
    return ids
