"""Problem management (PER-8 Pasal 22(4)): recurring disruptions grouped into a problem
with its root cause, workaround (an internal HAIPEDIA article), permanent fix and closure."""
