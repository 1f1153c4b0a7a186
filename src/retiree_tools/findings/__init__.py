"""findings: the codes (severity, exit 2), the Finding / FileReport / Report model, and
InputError — how every problem is reported, in the reader's language."""
