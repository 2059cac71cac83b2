import ujson

def load(path):
    with open(path) as f:
        return ujson.load(f)
