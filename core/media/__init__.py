"""Media: images, video and documents, checked by content, stored by content, served immutable.

``storage`` keeps bytes behind one interface, ``inspect`` checks and cleans them, and
the library (``models``, ``actions``, ``routes``) ties uploads to units and articles.
"""
