"""acceptance: reconcile assigned files against targets, deadlines and the roster (report,
inputs, people), the report's model and its files (model, output)."""
