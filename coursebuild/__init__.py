"""Build the อสด. course: load → check → render (site, print, certificates) → write."""
