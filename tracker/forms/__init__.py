"""Forms of the browser UI: they parse and check what a person typed; services write."""
