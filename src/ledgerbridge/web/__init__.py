"""The finance team's dashboard under /ui: server-rendered Jinja2 pages, a little of our own
JS, no build step and no CDN (every asset is served from static/).

app.py          mounts the pages, the static files and the security headers on the FastAPI app
session.py      the session cookie, roles and the CSRF check every form goes through
pages.py        the template environment and helpers the pages share (money, times, redirects)
plots.py        server-rendered SVG line charts
routes/         one module per page group: login, overview, events, journal, reconcile, close,
                reports, mapping
templates/      one template per page; macros/ per domain object
static/         app.css, app.js
"""
