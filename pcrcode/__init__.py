"""pcrcode: code interview transcripts with a codebook, from a terminal."""

__version__ = "0.1.0"
