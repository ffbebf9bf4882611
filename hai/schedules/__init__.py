"""Agent schedules (PER-8 Pasal 7(7)a; KEP-428 Lampiran III 2.1.1, 2.2.1): shifts, the
duty roster per channel, contacts by hour for planning, who is on duty, and discipline
against the roster (signing in on time, breaks)."""
