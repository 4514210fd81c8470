"""Media: pictures, videos and documents, checked by content, stored, served as renditions."""
