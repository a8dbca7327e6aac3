from . import serial_procurement_sold_report
