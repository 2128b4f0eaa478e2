"""Readers behind :mod:`landeval.io`: encodings, raw tables, vector layers, canonical model."""
