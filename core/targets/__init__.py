"""Channel targets: the model (``models``) and its administration (``actions``)."""
