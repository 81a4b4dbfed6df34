"""Reports on the codings: what researchers read to compare cases and support findings.

Pure core (no terminal): every function returns plain data that the CLI lays out.

- ``selection``: which coders' codings count (the main coder of each interview by default).
- ``corpus``: the codings indexed by segment, interview and structure; ``--where`` filters.
- ``axes``: what a crosstab axis can be (an attribute, a code family, a per-structure summary).
- ``crosstab``: the one cross-tabulation engine (crosstab, census, cooccurrence and report use it).
- ``profile``: one structure's profile (highest forme, dominant logique, objets, portée, quotes).
- ``census``: the registry's domaine x catégorie table with interviewed counts.
- ``query`` and ``retrieve``: the code query language and code-and-retrieve.
- ``frequencies``: per code, codings, segments, interviews and structures.
- ``synthesis``: the synthesis report in one run.
"""
