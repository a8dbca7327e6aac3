from . import stock_return_picking
from . import serial_procurement_rma_replacement_wizard
