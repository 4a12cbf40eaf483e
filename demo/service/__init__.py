"""The central service's demo (``casebook-server demo``; ``make run`` loads it into its local
service): ``demo.service.build.build_demo`` is the way in."""
