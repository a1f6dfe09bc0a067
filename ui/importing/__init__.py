"""The import wizard (ui/importing/wizard.py) and its pages."""
