"""A course generator: load → check → render (site, print, certificates) → write."""
