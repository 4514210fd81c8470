"""The desk's pages, one module each: home, compose, review (previews, decisions), board."""
