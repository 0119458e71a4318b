"""Benchmarks: the province generator (``province.py``) and the load run (``load.py``)."""
