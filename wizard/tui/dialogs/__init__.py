"""tui/dialogs package."""
