"""Release management (PER-8 Pasal 22(7)): a product owner announces a new release of an
application or business process; it becomes a HAIPEDIA release note and, if chosen, a
broadcast request."""
