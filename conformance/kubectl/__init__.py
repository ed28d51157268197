"""The real kubectl (1.24, 1.28, 1.33, 1.37) against a live kubepy: scenarios and the book."""
