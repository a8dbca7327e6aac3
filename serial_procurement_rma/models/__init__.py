from . import product_template
from . import rma
from . import helpdesk_ticket
from . import stock_lot
