"""HAIPEDIA, the knowledge base (PER-8 Pasal 19, 7(8)d, 7(9), 22(7); KEP-428 §V.b.2)."""
