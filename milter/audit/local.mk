## milter/audit: (module to come)
