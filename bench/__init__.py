"""Loa's benchmarks: data generator, public read path, delivery fan-out (``python -m bench``)."""
