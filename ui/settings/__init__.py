"""The Sync & settings section: the sync page (server, status, sync files) and the settings page."""
