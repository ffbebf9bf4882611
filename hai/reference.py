"""Reference data every installation needs, loaded idempotently: the seed units, the
channels, both seed catalog versions and their SLA parameters, the broadcast
recipient groups, the disaster checklist, the QA scorecard, the default shifts, the
configuration items."""

from __future__ import annotations

from datetime import datetime


def load_reference_data(*, now: datetime) -> dict[str, object]:
    from hai.broadcasts.recipients import load_recipient_groups
    from hai.catalog.services import load_channels, load_seed_catalog
    from hai.cmdb.seed import load_configuration_items
    from hai.disasters.services import load_checklist
    from hai.org.seed import load_units
    from hai.qa.services import load_scorecard
    from hai.schedules.services import load_shifts
    from hai.sla.norms import seed_all_norms

    return {
        "units": load_units(),
        "channels": load_channels(),
        "catalog_versions": load_seed_catalog(now=now),
        "sla_versions": seed_all_norms(),
        "recipient_groups": load_recipient_groups(),
        "disaster_checklists": load_checklist(now=now),
        "qa_scorecards": load_scorecard(now=now),
        "schedule_shifts": load_shifts(),
        "configuration_items": load_configuration_items(now=now),
    }
