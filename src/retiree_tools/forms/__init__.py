"""forms: render-forms — the plan of packets and receipts (plan), the Jinja2 templates
(templates), the 汇总表 workbook (summary_xlsx), the output directory and manifest (render)."""
