"""Disaster reports: the business-continuity help desk (PER-8 Pasal 21)."""
