"""REST API v1 for integrations (WhatsApp, HAI CSO / OM SPAN, others)."""
