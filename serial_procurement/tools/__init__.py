# Pure-Python helpers: no Odoo import here, so the host-free suite can load them.
from . import serial_parser
from . import billing
from . import reservation_plan
from . import spreadsheet
from . import input_checks
from . import table_statistics
from . import sheet_reader
from . import markers
from . import singleton
from . import overrides
