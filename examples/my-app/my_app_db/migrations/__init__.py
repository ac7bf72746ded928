"""my-app's migrations: ``.sql`` files and ``@migration`` modules, in version order."""
