"""Qt widgets: they show core results and send user actions down."""
