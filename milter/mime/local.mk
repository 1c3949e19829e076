## milter/mime: (module to come)
