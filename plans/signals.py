"""Signals other apps listen to, so plans/ does not import them."""

from django.dispatch import Signal

# Sent by services.plan_duplicate inside its transaction, after the copy's levers and actions
# are written, so the apps that hang things on a plan (indicators and their targets) copy
# theirs. Arguments: source, copy (Plans), shift (timedelta), lever_map and action_map
# ({old pk: new object}; cancelled actions are not copied, so not in the map), by.
plan_duplicated = Signal()

# Sent by services.plan_close (and plan_archive for a plan archived without being closed)
# inside its transaction, after the status is saved, so the apps that keep figures for the
# plan's period freeze them (the indicators' targets); a failure there undoes the closing.
# Argument: plan.
plan_closed = Signal()

# Sent by activation.missing_for_activation (so by services.plan_activate, and by the page
# that shows what a draft still lacks) before anything is written. Each receiver returns the
# lines its app finds missing, in the order they are shown, as (text, words of the link that
# fixes it, the link); any line refuses the activation (the indicators': actions linked to no
# indicator, indicators not SMART yet). Argument: plan.
plan_activating = Signal()

# Sent by reminder_stamps.restamp_actions, so by every service that changes what is due for
# actions (created, edited, moved, their status, archived or restored, their plan activated,
# closed or archived, their team's thresholds), inside the caller's transaction after the
# stamps are written, so the app that holds reminders cancels those the rows no longer
# deserve (a done action's, a moved due date's former key). Argument: actions (a Q over
# Action).
actions_restamped = Signal()
