"""Intercoder agreement: the unit x coder data, the report, the disagreements, and the
coefficients (percent agreement, Cohen's kappa, Krippendorff's alpha)."""
