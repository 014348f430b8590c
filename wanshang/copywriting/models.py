"""Copy tools: the FABE detail builder, title and button checks, the visual brief."""
