"""Importing this registers every staff route on the blueprint."""

from . import account_views, admin_views, case_views, voice_views  # noqa: F401
