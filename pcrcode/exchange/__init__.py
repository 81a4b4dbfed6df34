"""Exchange with other tools: REFI-QDA (``refi``) and tidy CSV tables (``csv_tables``)."""
