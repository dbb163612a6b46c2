"""Schedules (automations): a prompt that runs as an ordinary task on a cron timetable."""
