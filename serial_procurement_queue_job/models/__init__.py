from . import queue_job
from . import res_company
from . import res_config_settings
from . import stock_picking
