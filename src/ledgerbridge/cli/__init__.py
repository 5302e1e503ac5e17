"""The command line (Typer + Rich), thin: parse, call a service, print.

main.py     the app: serve, init, demo, replay; groups below
source.py   ``source add``
apikey.py   ``apikey create``
"""
