"""Survei Perbendaharaan (PER-8 Pasal 16): surveys HAI-DJPb builds, sends and summarises."""
