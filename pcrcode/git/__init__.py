"""pcrcode and git: the merge driver for coding and memo files, the repository set-up that
declares it, the CI templates, and the status of the work since a commit.

A project is plain text under git; these modules make git merge it by meaning (a coding is a
record, not a line) and make a forge check it as it checks code. They call the ``git`` binary
only where git holds the answer (configuration, history); merging itself needs no git.
"""
