"""The cooperation network: who works with whom, as the codings say.

Codings name the partners of the relation the coded text describes (``tag --with``); a *tie* is
an interviewed structure and one partner, with what the codings on its segments say (the codes
of each family, the highest degree of an ordered family, the evidence). The project declares
which case attribute is the sector (a tie between two ends of one sector is intra-sectoral) and
which family judges the scope; nothing here knows a study's names.
"""
