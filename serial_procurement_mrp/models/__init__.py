from . import mrp_production
from . import mrp_workorder
from . import stock_lot
from . import res_company
