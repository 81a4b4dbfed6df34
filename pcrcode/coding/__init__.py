"""Coding the transcripts: tag and untag, the line-by-line session and the workbench's state,
quote matching, autocode, reanchor and the old texts it matches against."""
