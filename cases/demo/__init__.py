"""The demo municipality: organisation, people and a year of contacts for `manage.py seed_demo`."""
