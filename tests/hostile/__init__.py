"""The hostile-input corpus (generated at test time) and the sandboxed CLI runner."""
