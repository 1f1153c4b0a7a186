"""validate: read a transfer workbook (layout), check it chunk by chunk (chunk, rules/), and
report every problem with its cell; the annotated copy and the blank template live here too."""
