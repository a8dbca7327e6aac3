"""Developer tooling of the serial_procurement repository (standard library only).

Modules, one concern each:

- ``output``: progress lines, user-facing failures, subprocess helpers;
- ``layout``: where things are (repository, addons, caches, logs);
- ``discovery``: finding an existing Odoo 18 on this machine;
- ``archive``: checking and extracting an Odoo source archive;
- ``pythons``: choosing a Python that Odoo 18 supports;
- ``system``: PostgreSQL, wkhtmltopdf, chromium and build headers (apt);
- ``bootstrap``: installing Odoo 18 into the per-user cache when none is found;
- ``host``: one entry point, "give me an Odoo 18", used by every command;
- ``database``: PostgreSQL databases, template cache (click-odoo-initdb);
- ``layers``: the host-free and Odoo test layers and their summary lines;
- ``peers``: ``make test-peers``, core's and OCA's own suites with the addons
  (``peers_plugin``: its pytest plugin);
- ``commands``: ``run``, ``test``, ``bench``, ``host``, ``clean-host``.
"""
