"""Theorem specs, one module per paper (``du2019.py``, ...). ``_template.py`` shows how to write one.

Files starting with ``_`` are not loaded as theorem modules.
"""
