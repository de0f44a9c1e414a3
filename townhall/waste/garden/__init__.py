"""Garden waste subscriptions, split by concept:

- `rules`: the price (first bin, extra bins, concession), the "garden-waste" pricing rule,
  and the pro-rata rule for changes mid-term;
- `selectors`: the reads pages and jobs share;
- `services`: subscribing, paying (`on_case_paid`, the receiver of
  `payments.services.case_paid`), changing the number of bins, cancelling;
- `renewals`: renewing, the renewal reminders and expiry (run by `waste.garden_tasks`);
- `demo`: `build_demo_garden` for the demo borough.

The models are in `waste/garden_models.py`, the pages in `waste/views/garden.py`.
Importing this package registers the pricing rule.
"""

from townhall.waste.garden import rules  # noqa: F401 - registers the "garden-waste" pricing rule
