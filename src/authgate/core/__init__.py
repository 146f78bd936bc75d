"""Cross-cutting building blocks with no web or storage dependency."""
