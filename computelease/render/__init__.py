"""Renderers: one module per output format, each turning result objects into text.

Renderers never compute and never print: they return strings (or rich
renderables, for tables), and the command line decides where they go.
"""
