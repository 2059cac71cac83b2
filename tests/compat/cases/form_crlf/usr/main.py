import utime
from usr.lib import util
cfg = util.l