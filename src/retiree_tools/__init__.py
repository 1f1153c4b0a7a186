"""retiree-tools: validate, assign, render forms and report acceptance for retiree transfers."""

__version__ = "0.1.0"
