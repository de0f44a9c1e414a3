"""The console's forms, a module per page family."""
