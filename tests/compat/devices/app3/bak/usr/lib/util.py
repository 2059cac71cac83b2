import ujson

def load(path):
    with open(path) as f:
        return ujson.loads(f.read())
