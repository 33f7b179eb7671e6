"""Generators of offline site mirrors: HTML written as each real site writes its pages.

``python -m sitegen.cnas OUT_DIR`` writes the CNAS mirror from the bundled records.
"""
