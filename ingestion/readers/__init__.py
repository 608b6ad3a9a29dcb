"""Readers, one per submission shape. Each turns a file's bytes into rows of text, untouched."""
