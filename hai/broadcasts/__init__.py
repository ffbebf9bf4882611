"""Broadcasts (siaran): requests, approval by the Kepala Seksi, sending, delivery record."""
