"""The coding workbench: ``pcrcode code`` full-screen (Textual). Imported only by that command.

The state lives in :mod:`pcrcode.coding.workbench_state`; these modules only draw it and map keys
to its methods.
"""
