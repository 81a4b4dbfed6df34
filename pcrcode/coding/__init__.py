"""Coding the transcripts: tag and untag, the line-by-line session, autocode, reanchor and the
old texts it matches against."""
