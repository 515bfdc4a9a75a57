"""The `tmigr-trace` command line: one module per subcommand, registered in main.py."""
