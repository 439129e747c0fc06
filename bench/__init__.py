"""`make bench` / `python -m bench`: server time and SQL queries of the portal's pages at scale.

The bench runs in its own database on the server named by DATABASE_URL (default
`bench_<name>`, or BENCH_DATABASE / --database), so the development data is never touched.
It creates and migrates that database, fills it with set-based SQL (INSERT … SELECT
generate_series), and measures each page in-process with Django's test client: "server
time" is the time of `client.get` including middleware, queries and template rendering.
The data grows between measurements (10,000 then 100,000 prøvehandlinger by default), so
the table shows whether time and query counts grow with the data.

Modules: `database` (create the database, before Django is set up), `data` (the generator),
`scenarios` (the pages and how each is requested), `report` (the table and the targets).
"""
