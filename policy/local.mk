## policy: classifier and rule engine (to come)
