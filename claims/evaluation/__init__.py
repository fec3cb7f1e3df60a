"""Evaluation commands: each reads a labelled file in a standard format and returns metrics."""
