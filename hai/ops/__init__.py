"""Operations: backups and restores, the health endpoint, the scheduler's run record."""
