"""assign: the receiving jurisdiction of each person (catalog, decide, frame, run) and the
assigned file's contract between assign and the commands that read it (contract, reader, writer)."""
