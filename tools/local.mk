## tools: phimilterctl (to come)
