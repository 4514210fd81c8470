"""HTTP routes outside GraphQL that sit above the actions: media upload and serving.

``media`` (the upload and download endpoints), ``media_serving`` (bytes with the right headers)
and ``media_access`` (which media the public may see: that of published items and of public
government content).
"""
