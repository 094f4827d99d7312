"""The quarterly report to the Board: its model, figures, disclosure control, charts and exports."""
