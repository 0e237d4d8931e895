"""A duplicated plan gets its indicators too (receiver of ``plans.signals.plan_duplicated``).

Without them the copy could not be activated (every action needs an indicator) and the
manager would rebuild the whole steering by hand. Each indicator is copied with its links to
the copied levers and actions, and its targets, with their periods moved like every other
date of the plan, open again (no final figure). Figures are not copied: they belong to the
period they were measured in. A fixed number of queries whatever the plan's size.
"""

from __future__ import annotations

from .models import Indicator, Target

# Filled from the source row as they are; the rest are set below or left to their defaults.
_SKIPPED = {"id", "plan", "numerator", "denominator", "created_at"}
_TARGET_RESET = {"id", "indicator", "final_actual", "final_status", "closed_at", "updated_at"}


def copy_indicators(sender, *, source, copy, shift, lever_map, action_map, **kwargs) -> None:
    indicators = list(
        Indicator.objects.filter(plan=source).prefetch_related("levers", "actions", "targets")
    )
    if not indicators:
        return
    fields = [f.attname for f in Indicator._meta.concrete_fields if f.name not in _SKIPPED]
    new_of: dict[int, Indicator] = {}
    pending = indicators
    # A rate points at its parts, which must exist first: write in rounds, parts before rates.
    while pending:
        ready = [
            i
            for i in pending
            if all(part is None or part in new_of for part in (i.numerator_id, i.denominator_id))
        ]
        if not ready:  # a part outside the plan: not expected, keep the link as it is
            ready = pending
        created = Indicator.objects.bulk_create(
            [
                Indicator(
                    plan=copy,
                    numerator=new_of.get(i.numerator_id),
                    denominator=new_of.get(i.denominator_id),
                    **{name: getattr(i, name) for name in fields},
                )
                for i in ready
            ]
        )
        new_of.update({old.pk: new for old, new in zip(ready, created, strict=True)})
        pending = [i for i in pending if i.pk not in new_of]

    lever_links, action_links, targets = [], [], []
    target_fields = [f.attname for f in Target._meta.concrete_fields if f.name not in _TARGET_RESET]
    for old in indicators:
        new = new_of[old.pk]
        lever_links += [
            Indicator.levers.through(indicator_id=new.pk, lever_id=lever_map[lever.pk].pk)
            for lever in old.levers.all()
            if lever.pk in lever_map
        ]
        action_links += [
            Indicator.actions.through(indicator_id=new.pk, action_id=action_map[action.pk].pk)
            for action in old.actions.all()
            if action.pk in action_map  # a cancelled action was not copied
        ]
        for target in old.targets.all():
            values = {name: getattr(target, name) for name in target_fields}
            values["period_start"] = target.period_start + shift
            values["period_end"] = target.period_end + shift
            targets.append(Target(indicator=new, **values))
    Indicator.levers.through.objects.bulk_create(lever_links)
    Indicator.actions.through.objects.bulk_create(action_links)
    Target.objects.bulk_create(targets)
