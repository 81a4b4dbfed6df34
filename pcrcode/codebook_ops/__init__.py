"""Evolving the codebook without losing codings: rename, merge and move, and the comment-keeping
YAML edits they make to ``codebook.yaml``."""
