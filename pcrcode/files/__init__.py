"""On-disk formats and safe writing: YAML reading, the codebook, the registry, transcripts,
coding files, memos, atomic writes, the journal, the parse cache, findings, new projects."""
