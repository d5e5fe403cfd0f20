"""Documents: plain data -> Jinja2 HTML -> WeasyPrint PDF bytes; callers write the files."""
