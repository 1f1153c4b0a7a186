"""io: reading inputs safely (paths, the container guard, sources, tables, encodings, the
prefetch) and writing outputs atomically (safe, xlsx); second-thread work that cannot hang."""
