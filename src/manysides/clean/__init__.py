"""Cleaning: take page furniture out of raw article text (plain text and HTML)."""
