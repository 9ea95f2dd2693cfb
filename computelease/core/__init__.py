"""The calculation core: pure functions from validated deals to result objects.

Nothing here reads a file, prints, or imports typer, rich or yaml; every
amount is a Decimal and every result is a frozen dataclass that renderers
and checks consume.
"""
