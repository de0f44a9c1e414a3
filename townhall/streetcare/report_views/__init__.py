"""The report journey's pages under /report/ (namespace "street_report"): residents online
and staff for a caller use the same pages; only the recorded channel differs."""
