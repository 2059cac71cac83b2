VERSION = '1.0.18'  # build SVO:
