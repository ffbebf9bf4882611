"""Quality assurance (PER-8 Pasal 6(3)f-h, 11): evaluations, follow-up checks, training."""
