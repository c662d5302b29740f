"""Plain-Python extraction: raw scrape bytes in, structured article out (no Django)."""
