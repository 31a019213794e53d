"""The `jacobian-rrmc` command line: one entry point, one module per subcommand."""
