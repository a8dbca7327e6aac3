from . import test_flow
from . import test_rejections
from . import test_security
from . import test_receipt_cost
from . import test_tour
