"""Channel plugins shipped with Loa; each registers through the "loa" entry-point group."""
