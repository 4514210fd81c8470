"""Moderation applied: where the pure engine (``core.moderation``) meets units, items and payloads.

``core.moderation`` judges a text against a lexicon and knows nothing else. This package
decides *which* lexicon (the shipped one extended with a unit's own terms and those of its
ancestors), judges articles at save, refuses rendered payloads before they reach a channel,
and lets unit admins manage their terms. Moderation is always on: nothing here can switch it off.
"""
