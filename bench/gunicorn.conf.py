# The benchmark's gunicorn settings, the same for the portal and the bare ceiling: no access
# log, so only the applications are measured.
accesslog = None
errorlog = "-"
loglevel = "warning"
timeout = 60
