"""Coding operations: applying and removing codes, the coding sessions' state, quote matching."""
