"""Importing this registers every staff route on the blueprint."""

from ..delivery import staff_views  # noqa: F401  (outbox pages: portal/delivery/staff_views.py)
from . import (  # noqa: F401
    account_views,
    admin_views,
    case_views,
    delivery_views,
    voice_views,
)
