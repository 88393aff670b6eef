"""Position-keeping readers for data formats shared by several readers."""
