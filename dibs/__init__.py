"""dibs: PostgreSQL migrations driven by a db program, configured in Styx."""
