from . import test_background_receipt
from . import test_background_count_sheet
from . import test_job_recovery
