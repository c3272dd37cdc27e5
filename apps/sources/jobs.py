"""Sources jobs for the workspace socket."""
