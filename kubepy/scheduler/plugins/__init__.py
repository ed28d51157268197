"""One module per scheduler plugin; the math of each is a pure function with a table test."""
