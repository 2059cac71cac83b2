tune = 1
