"""What the facilities app tells the apps above it, which it must not import (imports point
down)."""

from django.dispatch import Signal

# Sent by the services, inside their transaction, after they wrote facilities or yearly
# statuses, with `facility_ids`: audits/receivers.py refreshes those facilities' data-quality
# flags once the transaction commits.
facilities_written = Signal()
