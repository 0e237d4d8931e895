"""The weeks of a period, as the timeline and the indicators' charts lay them out."""

from datetime import date, timedelta


def weeks_between(start: date, end: date) -> list[date]:
    """The Mondays of the weeks touching [start, end], oldest first."""
    weeks = []
    week = start - timedelta(days=start.weekday())
    while week <= end:
        weeks.append(week)
        week += timedelta(days=7)
    return weeks
