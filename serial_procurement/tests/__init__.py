from . import test_required_flags
from . import test_tracking_conversion
from . import test_corrections
from . import test_stock_operations
from . import test_expiry
from . import test_reports
