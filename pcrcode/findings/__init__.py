"""Findings as propositions: a study's conclusions written down once (``findings.yaml``) and
re-checked against the codings, like tests.

- ``model``: the declaration (findings, their conditions) and the result of evaluating one;
- ``declaration``: reading ``findings.yaml`` with line/col positions and validating it against
  the codebook and the registry, without evaluating anything (what ``check`` runs);
- ``units``: the units a finding counts (cases, interviews, segments) and its conditions on them;
- ``qca``: crisp-set QCA consistency and coverage;
- ``evaluate``: each kind of finding (share, absent, present, implication, comparison);
- ``explain``: the supporting and contradicting units of a finding, with a short quote each.

The result's JSON shape is documented in the README ("Findings") and in ``model.Result``.
"""
