"""One module per CLI verb: the verb as a library function, free of argv
parsing and printing, so the CLI, tests and other programs share it."""
