## milter/escrow: (module to come)
