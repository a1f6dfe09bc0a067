"""The Volunteers section's screens: the register, the kiosk, hours and letters (person form: ui/widgets/)."""
