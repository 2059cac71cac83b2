import utime
from usr.lib import util
cfg = util.load("/usr/apn_cfg.json")
print("apn", cfg["apn"])
