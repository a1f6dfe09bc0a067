"""The Volunteers section's screens: the register, the person form, the kiosk, hours and letters."""
