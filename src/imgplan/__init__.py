"""imgplan: an offline planner for IMGs heading for a Clinical Informatics fellowship."""

__version__ = "0.1.0"
