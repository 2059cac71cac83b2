LEVEL = 22  # tag '546?'
